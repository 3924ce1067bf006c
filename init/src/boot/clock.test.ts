/**
 * The clock across boots: the pure decisions (case table), then restore and
 * save through FakeSys: the clock only ever moves forward, a saved time alone
 * never marks the clock set, and nothing happens without a data partition.
 */
import test from 'ava';
import { clockSetFile, savedClockFile } from '../../../contract/index.ts';
import { FakeSys } from '../sys/fake.ts';
import { clockAtBoot, clockToSave } from './clock-plan.ts';
import { restoreClock, saveClock } from './clock.ts';

const day = 86_400_000;
const saved2026 = 1_780_000_000_000;

const bootCases: { name: string; saved: string | undefined; now: number; set: number | undefined; message: RegExp }[] = [
  { name: 'a battery-less boot in 1970 moves forward to the saved time', saved: '1780000000\n', now: day, set: saved2026, message: /^clock: moved forward from 1970-01-02T00:00:00Z to the saved time 2026-/ },
  { name: 'a clock ahead of the saved time is kept (never moved back)', saved: '1780000000\n', now: saved2026 + 5000, set: undefined, message: /is not behind the saved time/ },
  { name: 'no saved time: the clock is kept', saved: undefined, now: day, set: undefined, message: /^clock: no saved time; keeping 1970-01-02T00:00:00Z until a time server answers$/ },
  { name: 'a damaged saved file is ignored, and says so', saved: 'garbage\x00', now: day, set: undefined, message: /^clock: ignoring the saved time: expected whole seconds since the epoch on one line, got "garbage\\u0000"$/ },
  { name: 'a saved time without its line end still counts', saved: '1780000000', now: day, set: saved2026, message: /moved forward/ },
];

for (const { name, saved, now, set, message } of bootCases) {
  test(`clock at boot: ${name}`, (t) => {
    const decision = clockAtBoot(saved, now);
    t.is(decision.set, set);
    t.regex(decision.message, message);
  });
}

test('clock to save: the clock, in whole seconds, unless it is behind the saved time', (t) => {
  t.is(clockToSave(undefined, saved2026 + 1999), '1780000001\n');
  t.is(clockToSave('1780000000\n', saved2026 + 60_000), '1780000060\n');
  t.is(clockToSave('1780000000\n', day), undefined, 'a clock in 1970 never overwrites a later saved time');
  t.is(clockToSave('bad', day), '86400\n', 'a damaged file is replaced');
});

/** A device booted in 1970 with /data mounted (or not) and, maybe, a saved time there. */
function device(options: { mounted: boolean; saved?: string }) {
  const sys = new FakeSys();
  sys.wallClockBase = day;
  sys.files.writeText('/proc/self/mounts', options.mounted ? 'run /run tmpfs rw 0 0\n/dev/vda3 /data ext4 rw 0 0\n' : 'run /run tmpfs rw 0 0\n');
  if (options.saved !== undefined) sys.files.writeText(savedClockFile, options.saved);
  const lines: string[] = [];
  const log = { info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`) };
  return { sys, lines, log };
}

test('restore: the clock moves to the saved time, and the clock-set mark is not created', (t) => {
  const d = device({ mounted: true, saved: '1780000000\n' });
  restoreClock(d.sys, d.log);
  t.is(d.sys.wallClock(), saved2026);
  t.false(d.sys.exists(clockSetFile), 'only a time server marks the clock set');
  t.is(d.lines.length, 1);
  t.regex(d.lines[0]!, /^info clock: moved forward/);
});

test('restore: without a mounted data partition nothing is read or set', (t) => {
  const d = device({ mounted: false, saved: '1780000000\n' });
  restoreClock(d.sys, d.log);
  t.is(d.sys.wallClock(), day);
  t.deepEqual(d.lines, []);
});

test('save at shutdown: the clock lands in the saved file, and a later boot starts from it', (t) => {
  const d = device({ mounted: true });
  d.sys.setWallClock(saved2026 + 3_600_000);
  saveClock(d.sys, d.log);
  t.is(d.sys.readText(savedClockFile), '1780003600\n');
  t.false(d.sys.exists(`${savedClockFile}.new`), 'written through a temporary file, renamed into place');
  const next = device({ mounted: true, saved: d.sys.readText(savedClockFile)! });
  restoreClock(next.sys, next.log);
  t.is(next.sys.wallClock(), saved2026 + 3_600_000);
});

test('save at shutdown: a clock behind the saved time leaves the file alone', (t) => {
  const d = device({ mounted: true, saved: '1780000000\n' });
  saveClock(d.sys, d.log);
  t.is(d.sys.readText(savedClockFile), '1780000000\n');
  t.deepEqual(d.lines, []);
});
