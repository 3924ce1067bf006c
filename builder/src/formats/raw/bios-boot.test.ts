/** GRUB's BIOS boot code put on a GPT disk without grub-bios-setup: which bytes change, and which never do. */
import test from 'ava';
import { installBiosBoot } from './bios-boot.ts';
import { renderGpt, espType } from './gpt.ts';

/** A stand-in boot.img: its code bytes numbered so each copied byte can be checked; the real one is booted by the QEMU update test. */
function bootImg(): Buffer {
  const sector = Buffer.alloc(512);
  for (let i = 0; i < 0x1b8; i++) sector[i] = (i * 7 + 1) & 0xff;
  sector[0x64] = 0xff;
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}

function protectiveMbr(): Buffer {
  const { head } = renderGpt({ sectors: 8192, diskGuid: '01234567-89ab-cdef-0123-456789abcdef', partitions: [{ name: 'imago-esp', type: espType, guid: '11111111-2222-3333-4444-555555555555', first: 2048, last: 4095 }] });
  return head.subarray(0, 512);
}

test('the MBR gets boot.img\'s code and the core\'s first sector, and keeps its partition table and BPB area', (t) => {
  const before = protectiveMbr();
  const boot = bootImg();
  const { mbr } = installBiosBoot({ mbr: before, bootImg: boot, coreImg: Buffer.alloc(3 * 512, 1), coreSector: 34 });
  t.is(mbr.length, 512);
  t.deepEqual(mbr.subarray(0, 3), boot.subarray(0, 3), 'the jump over the BPB');
  t.deepEqual(mbr.subarray(0x3, 0x5a), before.subarray(0x3, 0x5a), 'the BPB area is the disk\'s own');
  t.is(mbr.readBigUInt64LE(0x5c), 34n, 'boot.img loads the core from sector 34');
  t.is(mbr[0x64], 0xff, 'the boot drive is the one the BIOS booted from');
  t.deepEqual([...mbr.subarray(0x66, 0x68)], [0x90, 0x90], 'the floppy drive check is off for a hard disk');
  t.deepEqual(mbr.subarray(0x68, 0x1b8), boot.subarray(0x68, 0x1b8), 'the rest of the code is boot.img\'s');
  t.deepEqual(mbr.subarray(0x1bf, 0x200), before.subarray(0x1bf, 0x200), 'partition entries and the 55 aa signature are untouched');
  t.is(mbr[0x1be], 0x80, 'the protective partition is active');
  t.is(mbr[0x1c2], 0xee, 'and still protective');
});

test('the core\'s block list points at its own sectors after the first, and the rest of the core is as given', (t) => {
  const coreImg = Buffer.alloc(310 * 512 - 100, 0x5a);
  const { core } = installBiosBoot({ mbr: protectiveMbr(), bootImg: bootImg(), coreImg, coreSector: 34 });
  t.is(core.length, 310 * 512, 'padded to whole sectors');
  t.is(core.readBigUInt64LE(512 - 12), 35n);
  t.is(core.readUInt16LE(512 - 4), 309);
  t.is(core.readUInt16LE(512 - 2), 0x5a5a, 'the load segment is diskboot\'s own');
  t.deepEqual(core.subarray(512, coreImg.length), coreImg.subarray(512), 'past the first sector nothing changes');
  t.true(core.subarray(coreImg.length).every((b) => b === 0), 'the padding is zeros');
});

test('the input buffers are not changed', (t) => {
  const mbr = protectiveMbr();
  const copy = Buffer.from(mbr);
  const coreImg = Buffer.alloc(1024, 7);
  installBiosBoot({ mbr, bootImg: bootImg(), coreImg, coreSector: 34 });
  t.deepEqual(mbr, copy);
  t.true(coreImg.every((b) => b === 7));
});

test('not a boot sector, a wrong-sized MBR, or a core of one sector is refused, saying what was expected', (t) => {
  const mbr = protectiveMbr();
  t.throws(() => installBiosBoot({ mbr, bootImg: Buffer.alloc(512), coreImg: Buffer.alloc(1024), coreSector: 34 }), { message: /boot\.img: expected a 512-byte boot sector ending in 55 aa, got 512 bytes/ });
  t.throws(() => installBiosBoot({ mbr: mbr.subarray(0, 100), bootImg: bootImg(), coreImg: Buffer.alloc(1024), coreSector: 34 }), { message: /the disk's MBR: expected 512 bytes, got 100/ });
  t.throws(() => installBiosBoot({ mbr, bootImg: bootImg(), coreImg: Buffer.alloc(512), coreSector: 34 }), { message: /core\.img: 512 bytes is not a core image/ });
});
