/**
 * For the flash tests: a small GPT disk image with content all through it, so a
 * write that drops or repeats a block changes the hash. Not used by imago itself.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { crc32 } from '../../../contract/index.ts';
import { espType, linuxDataType, renderGpt, sectorSize } from '../formats/raw/gpt.ts';

/** 10 MiB and 7 sectors: more than two 4 MiB blocks, and not a whole number of them. */
export const testDiskSectors = 20480 + 7;

/** Writes the disk to `path` and returns its bytes. */
export function writeTestDisk(path: string): Buffer {
  const sectors = testDiskSectors;
  const disk = Buffer.alloc(sectors * sectorSize);
  // A deterministic pattern: each 32-byte run is the sha256 of its offset.
  for (let at = 0; at < disk.length; at += 32) createHash('sha256').update(String(at)).digest().copy(disk, at);
  const { head, tail } = renderGpt({
    sectors,
    diskGuid: '6d2b4d1e-3f0a-4b7c-9d8e-1a2b3c4d5e6f',
    partitions: [
      { name: 'imago-esp', type: espType, guid: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', first: 2048, last: 10239 },
      { name: 'imago-data', type: linuxDataType, guid: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e', first: 10240, last: sectors - 34 },
    ],
  });
  head.copy(disk, 0);
  tail.copy(disk, (sectors - 33) * sectorSize);
  writeFileSync(path, disk);
  return disk;
}

/** Problems with the primary GPT header at sector 1 of `bytes`: signature and header CRC. */
export function gptHeaderProblems(bytes: Buffer): string[] {
  const header = Buffer.from(bytes.subarray(sectorSize, sectorSize + 92));
  const problems: string[] = [];
  if (header.toString('latin1', 0, 8) !== 'EFI PART') problems.push(`signature is ${JSON.stringify(header.toString('latin1', 0, 8))}, expected "EFI PART"`);
  const stored = header.readUInt32LE(16);
  header.writeUInt32LE(0, 16);
  if (crc32(header) !== stored) problems.push(`header CRC ${stored.toString(16)} does not match its contents`);
  return problems;
}
