import test from 'ava';
import { logHistory } from './log-history.ts';

const files = (entries: Record<string, string>) => ({ readText: (path: string) => entries[path] });
const line = (n: number) => `2026-11-28T20:00:${String(n % 60).padStart(2, '0')}.000Z tick ${n}`;
const file = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${line(from + i)}\n`).join('');

test('the newest lines come from the current file and, when it has too few, from the rotated ones, oldest first', (t) => {
  const logs = files({ '/var/log/ticker.log': file(21, 30), '/var/log/ticker.log.1': file(11, 20), '/var/log/ticker.log.2': file(1, 10) });
  t.deepEqual(logHistory(logs, '/var/log', 'ticker', 5), [26, 27, 28, 29, 30].map((n) => line(n).replace(' tick', ' ticker: tick')));
  const all = logHistory(logs, '/var/log', 'ticker', 25);
  t.is(all.length, 25);
  t.is(all[0], line(6).replace(' tick', ' ticker: tick'));
  t.is(all.at(-1), line(30).replace(' tick', ' ticker: tick'));
  t.is(logHistory(logs, '/var/log', 'ticker', 1000).length, 30, 'as many as there are');
});

test('no file gives no lines; a name with a slash is never read', (t) => {
  t.deepEqual(logHistory(files({}), '/var/log', 'web', 10), []);
  t.deepEqual(logHistory(files({ '/var/log/../etc/shadow.log': 'x\n' }), '/var/log', '../etc/shadow', 10), []);
});
