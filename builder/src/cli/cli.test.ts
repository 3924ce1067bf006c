/** The `imago` command as a user runs it: output, exit codes, help. */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function imago(...args: string[]) {
  const result = spawnSync('bin/imago', args, { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('validate accepts the example specs', (t) => {
  const result = imago('validate', 'images/minimal.yml');
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, 'images/minimal.yml: ok\n');
});

test('validate reports every problem and exits non-zero', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-cli-'));
  const spec = join(dir, 'bad.yml');
  await writeFile(spec, 'version: 1\nname: x\nhostname: -x\nservices:\n  - name: a\n    command: /a\n    restart: sometimes\n');
  const result = imago('validate', spec);
  t.is(result.code, 2);
  t.is(
    result.stderr,
    `${spec}:3:11: hostname: expected a host name of letters, digits and "-", got "-x"\n` +
      `${spec}:7:14: services[0].restart: expected one of always|on-failure|never, got "sometimes"\n` +
      '2 problem(s); nothing was written.\n',
  );
});

test('validate warns about a private key every user could read, and still accepts the spec', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-cli-'));
  const spec = join(dir, 'key.yml');
  await writeFile(spec, 'version: 1\nname: x\nfiles:\n  - path: /etc/ssh/ssh_host_ed25519_key\n    contents: x\n  - path: /etc/app/tls.key\n    contents: x\n    mode: "0600"\n');
  const result = imago('validate', spec);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, `${spec}: ok\n`);
  t.is(result.stderr, `${spec}:4:11: files[0].path: warning: looks like a private key but is readable by every user (mode 0644); set mode: "0600"\n`);
});

test('a missing spec file is named', (t) => {
  const result = imago('validate', 'no/such.yml');
  t.is(result.code, 2);
  t.regex(result.stderr, /no\/such\.yml: cannot read spec: no such file/);
});

test('schema prints a JSON Schema generated from the zod schema', (t) => {
  const result = imago('schema');
  t.is(result.code, 0);
  const schema = JSON.parse(result.stdout);
  t.is(schema.type, 'object');
  t.deepEqual(schema.required.sort(), ['name', 'version']);
  t.deepEqual(schema.properties.services.items.properties.restart.enum, ['always', 'on-failure', 'never']);
});

test('build --help documents the options', (t) => {
  const result = imago('build', '--help');
  t.is(result.code, 0);
  for (const option of ['--out', '--arch', '--compression', 'SOURCE_DATE_EPOCH']) t.true(result.stdout.includes(option), option);
});

test('run --disk on an image folder without disk.img says how to make one', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-cli-'));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ arch: 'x86_64' }));
  const result = imago('run', '--disk', dir);
  t.not(result.code, 0);
  t.regex(result.stderr, /has no disk\.img: build it with --format raw/);
});

test('run --help offers booting the disk image', (t) => {
  const result = imago('run', '--help');
  t.is(result.code, 0);
  t.regex(result.stdout, /--disk\s+boot the flashable disk\.img through its firmware/);
});

/** A user's mistake reads as a message with a hint, never as a crash. */
function assertUsageError(t: import('ava').ExecutionContext, result: ReturnType<typeof imago>, message: RegExp, command: string) {
  t.is(result.code, 2, result.stderr);
  t.regex(result.stderr, message);
  t.true(result.stderr.includes(`(see imago ${command} --help)`), result.stderr);
  t.false(result.stderr.includes('internal error'), result.stderr);
  t.false(/^\s+at /m.test(result.stderr), 'no stack trace');
  t.false(result.stderr.includes('Usage:'), 'the whole help is not reprinted');
}

function imagoWithEnv(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync('bin/imago', args, { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('run on a path that does not exist is a usage error, not a crash', (t) => {
  assertUsageError(t, imago('run', 'no/such/image'), /no\/such\/image: no such file or folder/, 'run');
});

test('run --memory that is not a number is a usage error', (t) => {
  assertUsageError(t, imago('run', '--memory', 'lots', 'out/x86_64'), /--memory <MiB>' argument 'lots' is invalid/, 'run');
});

test('run --append with a disk is a usage error', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-cli-'));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ arch: 'x86_64' }));
  await writeFile(join(dir, 'disk.img'), '');
  assertUsageError(t, imago('run', '--disk', '--append', 'quiet', dir), /--append applies to kernel boots/, 'run');
});

test('build with a bad SOURCE_DATE_EPOCH is a usage error', (t) => {
  assertUsageError(t, imagoWithEnv({ SOURCE_DATE_EPOCH: 'yesterday' }, 'build', 'images/minimal.yml', '-o', '/nonexistent/out'), /SOURCE_DATE_EPOCH must be a whole number of seconds, got "yesterday"/, 'build');
});

test('build with an unknown architecture is a usage error', (t) => {
  assertUsageError(t, imago('build', '--arch', 'pdp11', 'images/minimal.yml'), /argument 'pdp11' is invalid/, 'build');
});

test('bundle with a key file that is not a key says so without a stack', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-cli-'));
  await writeFile(join(dir, 'bad.key'), 'not a key\n');
  const result = imago('bundle', dir, '--key', join(dir, 'bad.key'), '-o', join(dir, 'x.bundle'));
  t.is(result.code, 1, result.stderr);
  t.regex(result.stderr, /bad\.key: not a private key in PEM form/);
  t.false(result.stderr.includes('internal error'), result.stderr);
});

test('validate reports a missing update key file at its entry in the spec', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-cli-'));
  const spec = join(dir, 'update.yml');
  await writeFile(spec, 'version: 1\nname: x\nupdate:\n  keys:\n    - keys/release.pub\n');
  const result = imago('validate', spec);
  t.is(result.code, 2);
  t.is(result.stderr, `${spec}:5:7: update.keys[0]: cannot read key file "keys/release.pub" (relative to ${dir}): no such file; make one with imago keygen\n1 problem(s); nothing was written.\n`);
});

test('--version prints the version from package.json', async (t) => {
  const { version } = JSON.parse(await readFile('package.json', 'utf8'));
  for (const flag of ['--version', '-V']) {
    const result = imago(flag);
    t.is(result.code, 0, result.stderr);
    t.is(result.stdout, `${version}\n`);
  }
});

test('validate on a folder names it as a folder, not EISDIR, and exits 2', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-cli-'));
  const result = imago('validate', dir);
  t.is(result.code, 2);
  t.is(result.stderr, `${dir}: cannot read spec: a folder, not a regular file; give the path of a YAML spec\n1 problem(s); nothing was written.\n`);
  t.false(result.stderr.includes('EISDIR'));
});

test('build on a folder is the same spec error, exit 2', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-cli-'));
  const result = imago('build', dir, '-o', join(dir, 'out'));
  t.is(result.code, 2);
  t.regex(result.stderr, /cannot read spec: a folder, not a regular file/);
});

test('an unknown command is a usage error without the whole help', (t) => {
  assertUsageErrorShort(t, imago('frobnicate'), /unknown command 'frobnicate'/, '(see imago --help)');
});

test('an unknown option is a usage error without the whole help', (t) => {
  assertUsageErrorShort(t, imago('build', '--bogus', 'images/minimal.yml'), /unknown option '--bogus'/, '(see imago build --help)');
});

test('a missing argument is a usage error without the whole help', (t) => {
  assertUsageErrorShort(t, imago('validate'), /missing required argument 'spec'/, '(see imago validate --help)');
});

test('a bare imago shows the help and exits 2', (t) => {
  const result = imago();
  t.is(result.code, 2);
  t.regex(result.stderr, /Usage: imago/);
});

function assertUsageErrorShort(t: import('ava').ExecutionContext, result: ReturnType<typeof imago>, message: RegExp, hint: string) {
  t.is(result.code, 2, result.stderr);
  t.regex(result.stderr, message);
  t.true(result.stderr.includes(hint), result.stderr);
  t.false(result.stderr.includes('Usage:'), 'the whole help is not reprinted');
  t.is(result.stdout, '');
}

test('build with no host programs on PATH lists every missing one with its package, before any download', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-cli-'));
  const empty = join(dir, 'empty-path');
  const cache = join(dir, 'cache');
  await mkdir(empty);
  // node itself is started by path: the build must find nothing else on PATH.
  const loader = join(process.cwd(), 'node_modules/tsx/dist/loader.mjs');
  const result = spawnSync(process.execPath, ['--import', `file://${loader}`, 'builder/src/cli/main.ts', 'build', 'images/minimal.yml', '--arch', 'mips64el', '-o', join(dir, 'out')], {
    encoding: 'utf8',
    env: { PATH: empty, IMAGO_CACHE: cache, HOME: dir },
  });
  t.is(result.status, 1, result.stderr);
  t.regex(result.stderr, /^imago: error: missing host programs for this build \(nothing was downloaded or built\):\n/);
  t.regex(result.stderr, /mips64el-linux-gnuabi64-gcc +\(Debian package gcc-mips64el-linux-gnuabi64\): the init for mips64el\n/);
  for (const command of ['flock', 'apt-get', 'dpkg-deb', 'dpkg-source', 'gcc', 'mips64el-linux-gnuabi64-ar']) t.regex(result.stderr, new RegExp(`\\n  ${command} +\\(Debian package `), command);
  t.regex(result.stderr, /install them with: apt-get install util-linux apt dpkg-dev gcc dpkg gcc-mips64el-linux-gnuabi64 lz4\n/);
  t.false(result.stderr.includes('ENOENT'), result.stderr);
  t.is(result.stderr.match(/imago: error/g)?.length, 1, 'one message');
  t.false(existsSync(cache), 'nothing was downloaded into the cache');
  t.false(existsSync(join(dir, 'out')), 'nothing was written');
});

test('build --skip-suite takes only a suite a build can do without', (t) => {
  assertUsageError(t, imago('build', '--skip-suite', 'bookworm', 'images/minimal.yml'), /--skip-suite <suite>' argument 'bookworm' is invalid\. expected one of bookworm-updates, bookworm-security, got "bookworm"/, 'build');
});

test('build and run --help document --skip-suite', (t) => {
  for (const command of ['build', 'run']) t.regex(imago(command, '--help').stdout, /--skip-suite <suite>\s+.*leave a Debian suite out/, command);
});
