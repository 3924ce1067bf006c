import test from 'ava';
import { FakeSys } from '../sys/fake.ts';
import { Logger, type LogLine } from './logger.ts';

function quietLogger(): Logger {
  const log = new Logger(new FakeSys());
  log.configure({ maxBytes: 1 << 20, maxAgeMs: 86_400_000, keep: 1, ringLines: 50, console: false });
  return log;
}

test('a line logged while a line is delivered is queued and delivered after it, not recursively', (t) => {
  const log = quietLogger();
  const seen: string[] = [];
  let depth = 0;
  let maxDepth = 0;
  // A follower whose delivery fails logs a warning, which is an init line it follows itself.
  log.follow('init', (line) => {
    depth++;
    maxDepth = Math.max(maxDepth, depth);
    seen.push(line.text);
    if (seen.length < 1000) log.warn(`delivery ${seen.length} failed`);
    depth--;
  });
  t.notThrows(() => log.info('first'));
  t.is(seen.length, 1000, 'every line reached the follower');
  t.is(seen[0], 'first');
  t.is(seen[1], 'warning: delivery 1 failed');
  t.is(maxDepth, 1, 'never called inside itself');
  t.is(log.recent('init', 1)[0]!.text, 'warning: delivery 999 failed');
});

test('a listener that throws neither reaches the caller nor keeps the other listeners from their line', (t) => {
  const log = quietLogger();
  const others: LogLine[] = [];
  log.follow('svc', () => {
    throw new RangeError('Maximum call stack size exceeded');
  });
  log.follow(undefined, (line) => others.push(line));
  t.notThrows(() => log.line('svc', 'one'));
  t.notThrows(() => log.line('svc', 'two'));
  t.deepEqual(
    others.filter((l) => l.source === 'svc').map((l) => l.text),
    ['one', 'two'],
  );
  t.regex(log.recent('init', 5).map((l) => l.text).join('\n'), /warning: a log follower failed and was removed: .*Maximum call stack/);
});
