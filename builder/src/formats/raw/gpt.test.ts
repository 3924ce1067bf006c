import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from '../../../../contract/index.ts';
import { espType, linuxDataType, renderGpt } from './gpt.ts';
import { guidBytes, guidOnDisk, guidText } from './guid.ts';

test('crc32 matches the standard check value', (t) => {
  t.is(crc32(Buffer.from('123456789')), 0xcbf43926);
});

test('GUIDs are stable, version 4, and mixed-endian on disk', (t) => {
  t.is(guidText(guidBytes('x')), guidText(guidBytes('x')));
  t.regex(guidText(guidBytes('x')), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.is(guidOnDisk(espType).toString('hex'), '28732ac11ff8d211ba4b00a0c93ec93b');
});

const layout = {
  sectors: 8192,
  diskGuid: guidText(guidBytes('disk')),
  partitions: [
    { name: 'imago-esp', type: espType, guid: guidText(guidBytes('esp')), first: 2048, last: 4095 },
    { name: 'imago-data', type: linuxDataType, guid: guidText(guidBytes('data')), first: 4096, last: 6143 },
  ],
};

test('sgdisk reads the table we write, with names and GUIDs', (t) => {
  const { head, tail } = renderGpt(layout);
  const disk = Buffer.alloc(layout.sectors * 512);
  head.copy(disk, 0);
  tail.copy(disk, (layout.sectors - 33) * 512);
  const file = join(mkdtempSync(join(tmpdir(), 'imago-gpt-')), 'disk.img');
  writeFileSync(file, disk);
  let out: string;
  try {
    out = execFileSync('sgdisk', ['-v', '-p', '-i', '1', file], { encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return t.pass('sgdisk (gdisk) is not installed');
    throw error;
  }
  t.regex(out, /No problems found/);
  t.regex(out, /1\s+2048\s+4095.*EF00\s+imago-esp/);
  t.regex(out, /2\s+4096\s+6143.*8300\s+imago-data/);
  t.regex(out, new RegExp(`Partition unique GUID: ${layout.partitions[0]!.guid}`, 'i'));
});
