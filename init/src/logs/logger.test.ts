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

function fileLogger(sys: FakeSys, policy: Partial<Parameters<Logger['configure']>[0]> = {}): Logger {
  const log = new Logger(sys);
  log.configure({ maxBytes: 1 << 20, maxAgeMs: 86_400_000, keep: 1, ringLines: 50, console: false, ...policy });
  log.enableFiles('/var/log');
  return log;
}

const bytes = (text: string) => new TextEncoder().encode(text);
const consoleLines = (sys: FakeSys) => sys.written.map((w) => w.text).join('').split('\n').filter(Boolean);
const hundredByteLines = (count: number, from = 0) => Array.from({ length: count }, (_, i) => `line ${String(from + i).padStart(6, '0')} ${'x'.repeat(87)}`);

test('a full read of a chatty service reaches its log file in one write, every line behind the read\'s timestamp', (t) => {
  const sys = new FakeSys();
  const log = fileLogger(sys);
  const lines = hundredByteLines(655);
  log.stream('chatty').write(bytes(lines.map((l) => `${l}\n`).join('')));
  t.deepEqual(sys.files.journal.filter((op) => op.startsWith('write ')), ['write /var/log/chatty.log']);
  const stamp = `${new Date(sys.wallClock()).toISOString()} `;
  t.is(sys.readText('/var/log/chatty.log'), lines.map((l) => `${stamp}${l}\n`).join(''));
  t.deepEqual(log.recent('chatty', 2).map((l) => l.text), lines.slice(-2));
});

test('a batch that crosses the size limit is split at a line: both files hold whole lines', (t) => {
  const sys = new FakeSys();
  const log = fileLogger(sys, { maxBytes: 1000, keep: 1 });
  const output = log.stream('svc');
  output.write(bytes(hundredByteLines(12).map((l) => `${l}\n`).join('')));
  const current = sys.readText('/var/log/svc.log')!;
  const rotated = sys.readText('/var/log/svc.log.1')!;
  t.true(rotated.length <= 1000, `rotated file of ${rotated.length} bytes`);
  t.is(`${rotated}${current}`.split('\n').filter(Boolean).length, 12);
  for (const line of `${rotated}${current}`.split('\n').filter(Boolean)) t.regex(line, /^\d{4}-\d\d-\d\dT[\d:.]+Z line \d{6} x{87}$/);
});

test('console copies of a flooding service are rate-limited, and the console is told how many lines it did not show', (t) => {
  const sys = new FakeSys();
  const log = fileLogger(sys, { console: true, maxBytes: 64 << 20 });
  const output = log.stream('flood');
  // 3 MB in 64 KiB reads over 6 s: far beyond what a console can carry.
  const reads = 48;
  for (let read = 0; read < reads; read++) {
    sys.clock += 125;
    output.write(bytes(hundredByteLines(655, read * 655).map((l) => `${l}\n`).join('')));
  }
  const consoleBytes = sys.written.reduce((sum, w) => sum + w.text.length, 0);
  t.true(consoleBytes < 16 * 1024 + 6 * 4096 + 1024, `${consoleBytes} bytes went to the console`);
  t.is(sys.readText('/var/log/flood.log')!.split('\n').length - 1, reads * 655, 'the file has every line');
  const shown = consoleLines(sys).filter((l) => / flood: line /.test(l)).length;
  t.is(log.dropped().flood!.console, reads * 655 - shown);
  t.true(consoleLines(sys).filter((l) => /not shown/.test(l)).length <= 3, 'runs of lines, not a count before every line');
  t.true(sys.written.length < 10, `${sys.written.length} console writes: the lines of a read go out together`);
  t.regex(sys.written.map((w) => w.text).join(''), /flood: \[imago: \d+ lines not shown on the console \(too many too fast\); \/var\/log\/flood\.log has them\]/);
});

test('followers get every line of a batch, in order', (t) => {
  const sys = new FakeSys();
  const log = fileLogger(sys);
  const seen: string[] = [];
  log.follow('svc', (line) => seen.push(line.text));
  const output = log.stream('svc');
  output.write(bytes('one\ntwo\nthr'));
  output.write(bytes('ee\n'));
  output.write(bytes('no newline'));
  output.end();
  t.deepEqual(seen, ['one', 'two', 'three', 'no newline']);
});

test('lines held back just before a service falls quiet are still reported on the console', async (t) => {
  const sys = new FakeSys();
  const log = fileLogger(sys, { console: true });
  log.stream('burst').write(bytes(hundredByteLines(500).map((l) => `${l}\n`).join('')));
  const shown = consoleLines(sys).filter((l) => / burst: line /.test(l)).length;
  t.false(consoleLines(sys).some((l) => /not shown/.test(l)));
  await sys.advance(3000);
  t.regex(sys.written.at(-1)!.text, new RegExp(`burst: \\[imago: ${500 - shown} lines not shown on the console`));
  await sys.advance(10_000);
  t.is(consoleLines(sys).filter((l) => /not shown/.test(l)).length, 1, 'reported once');
});
