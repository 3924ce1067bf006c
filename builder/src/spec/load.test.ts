/** loadSpec's checks of the files a spec names, located at the entry that names them. */
import test from 'ava';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeys } from '../bundle/keys.ts';
import { loadSpec } from './load.ts';
import { renderProblem } from './problem.ts';

/** A folder with a good key, a bad key, a folder, a good and a bad kernel fragment. */
async function fixture(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imago-load-'));
  await writeFile(join(dir, 'good.pub'), generateKeys().publicLine);
  await writeFile(join(dir, 'bad.pub'), 'ssh-ed25519 AAAA me@host\n');
  await mkdir(join(dir, 'keys'));
  await writeFile(join(dir, 'good.config'), '# extra\nCONFIG_VFAT_FS=y\n# CONFIG_DEBUG_FS is not set\n');
  await writeFile(join(dir, 'bad.config'), 'CONFIG_A=y\nVFAT=y\n');
  return dir;
}

const update = (keys: string) => `version: 1\nname: x\narch: [x86_64]\nupdate:\n  keys: [${keys}]\n`;
const fragments = (files: string) => `version: 1\nname: x\narch: [x86_64]\nkernel:\n  build:\n    config: [${files}]\n`;

const cases: { name: string; yaml: string; messages: (dir: string) => string[] }[] = [
  { name: 'a good key file', yaml: update('good.pub'), messages: () => [] },
  {
    name: 'a key file that does not exist',
    yaml: update('good.pub, missing.pub'),
    messages: (dir) => [`spec.yml:5:20: update.keys[1]: cannot read key file "missing.pub" (relative to ${dir}): no such file; make one with imago keygen`],
  },
  {
    name: 'a key file that is not an imago key',
    yaml: update('bad.pub'),
    messages: () => ['spec.yml:5:10: update.keys[0]: bad.pub: not an imago public key: expected one line "ed25519 <64 hex digits>" (made by imago keygen)'],
  },
  {
    name: 'a folder given as a key file',
    yaml: update('keys'),
    messages: (dir) => [`spec.yml:5:10: update.keys[0]: cannot read key file "keys" (relative to ${dir}): a folder, not a file; make one with imago keygen`],
  },
  { name: 'a good kernel fragment', yaml: fragments('good.config'), messages: () => [] },
  {
    name: 'a kernel fragment that does not exist',
    yaml: fragments('nope.config'),
    messages: (dir) => [`spec.yml:6:14: kernel.build.config[0]: cannot read kernel config fragment "nope.config" (relative to ${dir}): no such file`],
  },
  {
    name: 'a kernel fragment with a line that is no option',
    yaml: fragments('good.config, bad.config'),
    messages: () => ['spec.yml:6:27: kernel.build.config[1]: bad.config:2: expected CONFIG_NAME=value or "# CONFIG_NAME is not set", got "VFAT=y"'],
  },
];

for (const { name, yaml, messages } of cases) {
  test(`spec files: ${name}`, async (t) => {
    const dir = await fixture();
    await writeFile(join(dir, 'spec.yml'), yaml);
    // Relative to the spec's folder, not the working directory: load it by a path from elsewhere.
    const loaded = await loadSpec(join(dir, 'spec.yml'));
    const rendered = loaded.problems.map(renderProblem).map((line) => line.replace(`${join(dir, 'spec.yml')}:`, 'spec.yml:'));
    t.deepEqual(rendered, messages(dir));
    t.is(loaded.spec === undefined, rendered.length > 0);
  });
}

/** What cannot be a spec is refused by what it is, before much of it is read. */
const unreadable: { name: string; path: (dir: string) => Promise<string>; message: string }[] = [
  {
    name: 'a UTF-16 file (with a byte order mark) is named as such',
    path: async (dir) => writeBytes(dir, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('version: 1\nname: x\n', 'utf16le')])),
    message: 'the file is UTF-16; save it as UTF-8',
  },
  {
    name: 'a UTF-16 file without a byte order mark is named as such',
    path: async (dir) => writeBytes(dir, Buffer.from('version: 1\nname: x\n', 'utf16le')),
    message: 'the file is UTF-16; save it as UTF-8',
  },
  {
    name: 'a Latin-1 file is not shown as noise',
    path: async (dir) => writeBytes(dir, Buffer.from('version: 1\nname: caf\xe9\n', 'latin1')),
    message: 'the file is not UTF-8 text; save it as UTF-8',
  },
  {
    name: 'a file over 1 MiB is refused',
    path: async (dir) => writeBytes(dir, Buffer.from(`version: 1\nname: x\n#${'x'.repeat(1024 * 1024)}\n`)),
    message: 'the file is larger than 1 MiB; a spec is a few KiB of YAML: is this the right file?',
  },
  {
    name: 'a character device (/dev/zero) is refused, not read without end',
    path: async () => '/dev/zero',
    message: 'cannot read spec: a character device, not a regular file; give the path of a YAML spec',
  },
  {
    name: 'a folder is refused',
    path: async (dir) => dir,
    message: 'cannot read spec: a folder, not a regular file; give the path of a YAML spec',
  },
  {
    name: 'a missing file',
    path: async (dir) => join(dir, 'nope.yml'),
    message: 'cannot read spec: no such file',
  },
];

async function writeBytes(dir: string, bytes: Buffer): Promise<string> {
  await writeFile(join(dir, 'spec.yml'), bytes);
  return join(dir, 'spec.yml');
}

for (const { name, path, message } of unreadable) {
  test(`spec file reading: ${name}`, async (t) => {
    const file = await path(await mkdtemp(join(tmpdir(), 'imago-read-')));
    const loaded = await loadSpec(file);
    t.deepEqual(loaded.problems.map(renderProblem), [`${file}: ${message}`]);
    t.is(loaded.spec, undefined);
  });
}

test('spec file reading: a spec of exactly 1 MiB is still read', async (t) => {
  const head = 'version: 1\nname: x\n#';
  const file = await writeBytes(await mkdtemp(join(tmpdir(), 'imago-read-')), Buffer.from(`${head}${'x'.repeat(1024 * 1024 - head.length - 1)}\n`));
  const loaded = await loadSpec(file);
  t.deepEqual(loaded.problems.map(renderProblem), []);
});
