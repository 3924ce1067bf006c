import test from 'ava';
import { ConsoleLog } from '../../builder/src/qemu/console.ts';
import { chargedReadingBytes, chargedReadingPattern, memoryReadingKiB, memoryReadingPattern } from './memory-reading.ts';

test('memoryReadingPattern: finds each stage\'s reading in a console transcript, in order, whatever the service prefix and padding', (t) => {
  const console = new ConsoleLog();
  console.push('[    1.2] init: onboot bench-memory-boot: running\r\n', 10);
  console.push('bench-memory-boot: BENCH-MEMAVAILABLE boot MemAvailable:     912340 kB\r\n', 20);
  console.push('init: broker healthy\r\nbench-memory-healthy: BENCH-MEMAVAILABLE healthy MemAvailable: 850000 kB\r\n', 30);
  const boot = console.match(memoryReadingPattern('boot'));
  const healthy = console.match(memoryReadingPattern('healthy'));
  t.is(memoryReadingKiB('boot', boot!.groups), 912340);
  t.is(memoryReadingKiB('healthy', healthy!.groups), 850000);
});

test('memoryReadingPattern: one stage does not match the other\'s line', (t) => {
  t.false(memoryReadingPattern('healthy').test('BENCH-MEMAVAILABLE boot MemAvailable: 912340 kB'));
});

test('memoryReadingPattern: a reading with no figure (grep found nothing) does not match', (t) => {
  t.false(memoryReadingPattern('boot').test('BENCH-MEMAVAILABLE boot \r\n'));
});

test('memoryReadingKiB: a missing figure is an error naming the stage', (t) => {
  t.throws(() => memoryReadingKiB('healthy', [undefined]), { message: /healthy MemAvailable reading on the console: expected a whole number of kB, got undefined/ });
});

test('chargedReadingPattern: finds the bytes the cgroups are charged, after the healthy MemAvailable reading', (t) => {
  const console = new ConsoleLog();
  console.push('bench-memory-healthy: BENCH-MEMAVAILABLE healthy MemAvailable: 850000 kB\r\nbench-memory-healthy: BENCH-CHARGED 33816576\r\n', 30);
  t.is(chargedReadingBytes(console.match(chargedReadingPattern)!.groups), 33_816_576);
});

test('chargedReadingBytes: anything but a whole number is an error', (t) => {
  t.throws(() => chargedReadingBytes(['']), { message: /cgroups' memory reading on the console: expected a whole number of bytes, got ""/ });
});
