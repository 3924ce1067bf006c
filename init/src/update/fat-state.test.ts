/**
 * The FAT clean-up against real volumes made by mkfs.vfat (dosfstools, which the
 * raw disk writer needs too), marked dirty by hand the way a power cut leaves
 * them, and judged by fsck.fat: after the repairs it must find nothing to say.
 */
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fatLayout, FatStateError, planFatCleanup, type FatRepair } from './fat-state.ts';

const env = { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` };
const work = mkdtempSync(join(tmpdir(), 'imago-fat-'));
let made = 0;

const volumesMade = new Map<string, Buffer>();

/** A copy of a clean volume of `kind` made by mkfs.vfat (once per kind: the host's cores are shared). */
function makeVolume(kind: 'FAT12' | 'FAT16' | 'FAT32', kib: number): Buffer {
  if (!volumesMade.has(kind)) {
    const path = join(work, `${kind}.img`);
    // One sector per cluster: FAT32 gets its 65525 clusters from a small image.
    execFileSync('mkfs.vfat', ['-C', '-s', '1', '-F', kind.slice(3), path, String(kib)], { env, stdio: 'ignore' });
    volumesMade.set(kind, readFileSync(path));
  }
  return Buffer.from(volumesMade.get(kind)!);
}

/** fsck.fat -n on `bytes`: whether it found the volume clean, and what it said. */
function fsck(bytes: Uint8Array): { clean: boolean; output: string } {
  const path = join(work, `check-${made++}.img`);
  writeFileSync(path, bytes);
  const result = spawnSync('fsck.fat', ['-n', path], { env, encoding: 'utf8' });
  return { clean: result.status === 0 && !/dirty/i.test(result.stdout), output: result.stdout + result.stderr };
}

function repair(bytes: Uint8Array): { fixed: Buffer; repairs: FatRepair[] } {
  const fixed = Buffer.from(bytes);
  const repairs = planFatCleanup(fixed.subarray(0, 512), (offset) => fixed[offset]!);
  for (const { offset, value } of repairs) fixed[offset] = value;
  return { fixed, repairs };
}

const volumes = [
  { kind: 'FAT32', kib: 34 * 1024, stateOffset: 0x41 },
  { kind: 'FAT16', kib: 4096, stateOffset: 0x25 },
  { kind: 'FAT12', kib: 1024, stateOffset: 0x25 },
] as const;

for (const { kind, kib, stateOffset } of volumes) {
  test(`${kind}: a clean volume made by mkfs.vfat needs no repair`, (t) => {
    const clean = makeVolume(kind, kib);
    t.like(fatLayout(clean.subarray(0, 512)), { kind, stateOffset });
    t.true(fsck(clean).clean);
    t.deepEqual(repair(clean).repairs, []);
  });

  test(`${kind}: the boot sector dirty flag a power cut leaves is cleared, and fsck.fat then finds the volume clean`, (t) => {
    const clean = makeVolume(kind, kib);
    const dirty = Buffer.from(clean);
    dirty[stateOffset]! |= 0x01;
    t.regex(fsck(dirty).output, /Dirty bit is set/, 'fsck.fat sees the flag set by hand');
    const { fixed, repairs } = repair(dirty);
    t.deepEqual(repairs, [{ offset: stateOffset, value: clean[stateOffset]!, what: `${kind} boot sector dirty flag` }]);
    t.true(fixed.equals(clean), 'only the flag changed');
    t.true(fsck(fixed).clean, fsck(fixed).output);
  });
}

for (const { kind, kib } of volumes.filter((volume) => volume.kind !== 'FAT12')) {
  test(`${kind}: a cleared FAT[1] clean-shutdown bit is set again in both FAT copies`, (t) => {
    const clean = makeVolume(kind, kib);
    const layout = fatLayout(clean.subarray(0, 512));
    t.is(layout.cleanBits.length, 2, 'mkfs.vfat writes two FATs');
    const dirty = Buffer.from(clean);
    for (const { offset, mask } of layout.cleanBits) dirty[offset]! &= ~mask;
    t.false(fsck(dirty).clean, 'fsck.fat sees the bit cleared');
    const { fixed, repairs } = repair(dirty);
    t.deepEqual(repairs.map((r) => r.what), ['FAT[1] clean-shutdown bit in FAT copy 1', 'FAT[1] clean-shutdown bit in FAT copy 2']);
    t.true(fixed.equals(clean));
    t.true(fsck(fixed).clean, fsck(fixed).output);
  });
}

const notFat: [string, (sector: Buffer) => void, RegExp][] = [
  ['no 55 AA signature', (s) => s.writeUInt16LE(0, 510), /does not end in the signature 55 AA/],
  ['a sector size of 513', (s) => s.writeUInt16LE(513, 11), /bytes per sector \(offset 11\) is 513/],
  ['3 sectors per cluster', (s) => (s[13] = 3), /sectors per cluster \(offset 13\) is 3, expected a power of two/],
  ['no FATs', (s) => (s[16] = 0), /FATs \(offset 16\) 0, expected both above 0/],
  ['no FAT size', (s) => s.fill(0, 22, 24).fill(0, 36, 40), /sectors per FAT \(offsets 22 and 36\) is 0/],
];

for (const [name, spoil, message] of notFat) {
  test(`a boot sector with ${name} is refused, naming the field`, (t) => {
    const sector = Buffer.from(makeVolume('FAT32', 34 * 1024).subarray(0, 512));
    spoil(sector);
    t.throws(() => planFatCleanup(sector, () => 0xff), { instanceOf: FatStateError, message });
  });
}
