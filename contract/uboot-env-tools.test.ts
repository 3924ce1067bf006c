import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeUbootEnvCopy, encodeUbootEnvImage, planUbootEnvWrite, readUbootEnv, type UbootEnvFormat } from './index.ts';

// Our environment against U-Boot's own tools, both ways: mkenvimage (u-boot-tools)
// makes images we read; fw_printenv/fw_setenv (libubootenv-tool) read and change
// images we write, through a config file that points at a plain file.

const size = 0x2000;
const single: UbootEnvFormat = { size, redundant: false };
const redundant: UbootEnvFormat = { size, redundant: true };

/** Runs a U-Boot tool; a missing one fails the test with what to install. */
function tool(name: string, args: string[], input?: string): string {
  const result = spawnSync(name, args, { input, encoding: 'utf8' });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(`${name} is not installed (Debian's u-boot-tools and libubootenv-tool): run scripts/install-host-packages`);
  }
  if (result.status !== 0) throw new Error(`${name} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

function workdir(): string {
  return mkdtempSync(join(tmpdir(), 'imago-uboot-env-'));
}

/** A libubootenv config for `image`: one line per copy, copies back to back. */
function config(dir: string, image: string, copies: number): string {
  const file = join(dir, 'fw_env.config');
  const lines = Array.from({ length: copies }, (_, n) => `${image} 0x${(n * size).toString(16)} 0x${size.toString(16)}\n`);
  writeFileSync(file, lines.join(''));
  return file;
}

function printenv(configFile: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of tool('fw_printenv', ['-c', configFile]).split('\n').filter(Boolean)) vars[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  return vars;
}

function copiesOf(image: Uint8Array): Uint8Array[] {
  return image.length === size ? [image] : [image.subarray(0, size), image.subarray(size, 2 * size)];
}

const vars = { bootcmd: 'run imago_boot', imago_committed: 'A', imago_tries: '0', bootlimit: '3', fdt_addr_r: '0x43000000' };

for (const [label, flags, format] of [
  ['single', [] as string[], single],
  ['redundant', ['-r'], redundant],
  ['single, padded with 0x00', ['-p', '0x00'], single],
  ['redundant, big-endian CRC (mips, mips64)', ['-r', '-b'], { size, redundant: true, bigEndian: true }],
] as const) {
  test(`mkenvimage -s ${size} ${flags.join(' ')} (${label}) makes an environment we read`, (t) => {
    const dir = workdir();
    try {
      const out = join(dir, 'env.img');
      tool('mkenvimage', ['-s', String(size), ...flags, '-o', out, '-'], Object.entries(vars).map(([k, v]) => `${k}=${v}\n`).join(''));
      const copy = new Uint8Array(readFileSync(out));
      const copies = format.redundant ? [copy, new Uint8Array(size).fill(0xff)] : [copy];
      const env = readUbootEnv(copies, format);
      t.true(env.valid, env.error);
      t.deepEqual(env.vars, vars);
      if (format.redundant) t.is(env.flag, 1, 'mkenvimage -r marks its copy with flag 1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a big-endian board\'s copy we write is byte for byte what mkenvimage -b -r -p 0x00 makes', (t) => {
  const dir = workdir();
  try {
    const out = join(dir, 'env.img');
    // In name order, as we (and U-Boot's saveenv) store them; mkenvimage keeps its input's order.
    const sorted = Object.keys(vars).sort().map((k) => `${k}=${vars[k as keyof typeof vars]}\n`).join('');
    tool('mkenvimage', ['-s', String(size), '-r', '-b', '-p', '0x00', '-o', out, '-'], sorted);
    t.deepEqual(Buffer.from(encodeUbootEnvCopy(vars, { size, redundant: true, bigEndian: true }, 1)), readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fw_printenv reads a single environment we wrote, fw_setenv changes it, and we read its result', (t) => {
  const dir = workdir();
  try {
    const image = join(dir, 'env.img');
    writeFileSync(image, encodeUbootEnvImage(vars, single));
    const cfg = config(dir, image, 1);
    t.deepEqual(printenv(cfg), vars);
    tool('fw_setenv', ['-c', cfg, 'imago_trial', 'B']);
    tool('fw_setenv', ['-c', cfg, 'imago_tries']);
    const env = readUbootEnv(copiesOf(new Uint8Array(readFileSync(image))), single);
    const { imago_tries: _, ...rest } = vars;
    t.deepEqual(env.vars, { ...rest, imago_trial: 'B' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('redundant: fw_setenv writes the other copy with the flag advanced, we read it, and our next write goes back to the first copy where fw_printenv finds it', (t) => {
  const dir = workdir();
  try {
    const image = join(dir, 'env.img');
    writeFileSync(image, encodeUbootEnvImage(vars, redundant));
    const cfg = config(dir, image, 2);
    t.deepEqual(printenv(cfg), vars);

    tool('fw_setenv', ['-c', cfg, 'imago_trial', 'B']);
    const afterTool = readUbootEnv(copiesOf(new Uint8Array(readFileSync(image))), redundant);
    t.like(afterTool, { valid: true, copy: 1, flag: 2, vars: { ...vars, imago_trial: 'B' } });

    const bytes = new Uint8Array(readFileSync(image));
    const copy0Before = bytes.slice(0, size);
    const [write, ...more] = planUbootEnvWrite(afterTool, { ...afterTool.vars, imago_committed: 'B', imago_trial: '' }, redundant);
    t.deepEqual(more, []);
    t.is(write!.copy, 0);
    bytes.set(write!.bytes, write!.copy * size + write!.offset);
    t.notDeepEqual(bytes.subarray(0, size), copy0Before);
    writeFileSync(image, bytes);
    t.deepEqual(printenv(cfg), { ...vars, imago_committed: 'B' });
    t.is(tool('fw_printenv', ['-c', cfg, '-n', 'imago_committed']).trim(), 'B');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('redundant: fw_printenv and we pick the same copy for every flag pair, wrap-around included', (t) => {
  const dir = workdir();
  try {
    const image = join(dir, 'env.img');
    const cfg = config(dir, image, 2);
    for (const [f0, f1] of [[1, 2], [2, 1], [255, 0], [0, 255], [7, 7], [200, 5], [5, 200]] as const) {
      const bytes = new Uint8Array(2 * size);
      bytes.set(encodeUbootEnvCopy({ who: 'zero' }, redundant, f0));
      bytes.set(encodeUbootEnvCopy({ who: 'one' }, redundant, f1), size);
      writeFileSync(image, bytes);
      const ours = readUbootEnv(copiesOf(bytes), redundant).vars.who;
      t.is(printenv(cfg).who, ours, `flags ${f0}/${f1}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('redundant: a write of ours cut short by a power cut leaves the previous environment for fw_printenv too', (t) => {
  const dir = workdir();
  try {
    const image = join(dir, 'env.img');
    const cfg = config(dir, image, 2);
    const bytes = encodeUbootEnvImage({ ...vars, marker: 'before' }, redundant);
    const [write] = planUbootEnvWrite(readUbootEnv(copiesOf(bytes), redundant), { ...vars, marker: 'after' }, redundant);
    bytes.set(write!.bytes.subarray(0, 64), write!.copy * size);
    writeFileSync(image, bytes);
    t.is(printenv(cfg).marker, 'before');
    t.is(readUbootEnv(copiesOf(bytes), redundant).vars.marker, 'before');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
