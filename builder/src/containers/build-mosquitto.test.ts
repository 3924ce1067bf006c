/**
 * Compiles Debian 12's mosquitto for mips and mips64 (about a minute each on
 * two cores when the cache is cold), checks each program with `file`, runs
 * them under qemu-user, passes a message from mosquitto_pub through the
 * broker to mosquitto_sub, and compiles mips a second time in another folder
 * to compare the bytes. Needs the network for the first download, the cross
 * compilers and qemu-user-static. Skipped with IMAGO_SKIP_NATIVE=1, like the
 * other native tests.
 */
import test from 'ava';
import { execFile as execFileCb, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mips } from '../../../targets/mips.ts';
import { mips64 } from '../../../targets/mips64.ts';
import { testArches } from '../../../qemu-tests/test-arches.ts';
import type { Target } from '../../../targets/types.ts';
import { fetchDebianSource } from '../debian/source.ts';
import { silentProgress } from '../progress.ts';
import { buildMosquitto, compileMosquitto } from './build-mosquitto.ts';
import { sourcePackageRelease } from './source-packages.ts';

const execFile = promisify(execFileCb);
const nativeTest = process.env.IMAGO_SKIP_NATIVE !== '1' ? test : test.skip;
const work = mkdtempSync(join(tmpdir(), 'imago-mosquitto-'));

test.after.always(() => rmSync(work, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function qemu(target: Target, binary: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return execFile(target.qemu.userBinary, [binary, ...args], { timeout: 60_000, encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
}

// mips in `make test` (IMAGO_TEST_ARCH's default); mips64 too with IMAGO_TEST_ARCH=mips64 or all (`make test-matrix`).
for (const target of [mips, mips64].filter((target) => testArches().includes(target.name))) {
  nativeTest(`mosquitto, mosquitto_pub, mosquitto_sub and mosquitto_rr built from Debian source for ${target.name} are static ${target.elf.class}-bit big-endian MIPS and pass a message under qemu-user`, async (t) => {
    t.timeout(10 * 60_000);
    const started = Date.now();
    const built = await buildMosquitto(target, { progress: silentProgress });
    t.log(`${target.name}: mosquitto ${built.version} ${built.cached ? 'from the cache' : 'compiled'} in ${((Date.now() - started) / 1000).toFixed(0)} s; ${[...built.outputs].map(([path, data]) => `${path} ${data.length} bytes`).join(', ')}`);
    const paths = new Map<string, string>();
    for (const [path, data] of built.outputs) {
      const file = join(work, `${target.name}-${path.replace('/', '_')}`);
      writeFileSync(file, data, { mode: 0o755 });
      paths.set(path, file);
      const { stdout } = await execFile('file', ['-b', file], { encoding: 'utf8' });
      t.regex(stdout, new RegExp(`^ELF ${target.elf.class}-bit MSB executable, MIPS, .*statically linked.*stripped`), path);
    }
    const broker = paths.get('src/mosquitto')!;
    // -h prints the usage and exits 3 (mosquitto's own convention).
    const help = await qemu(target, broker, ['-h']).catch((error: { stdout: string }) => error);
    t.regex(help.stdout, /^mosquitto version 2\.0\.11\n/);
    t.regex((await qemu(target, paths.get('client/mosquitto_pub')!, ['--help']).catch((error: { stdout: string }) => error)).stdout, /mosquitto_pub version 2\.0\.11 running on libmosquitto 2\.0\.11/);

    const port = await freePort();
    const config = join(work, `${target.name}.conf`);
    writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\n`);
    const server = spawn(target.qemu.userBinary, [broker, '-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    server.stderr.on('data', (chunk) => (log += chunk));
    try {
      await waitFor(() => /mosquitto version 2\.0\.11 running/.test(log), 30_000, () => `the broker did not start: ${log}`);
      const subscriber = qemu(target, paths.get('client/mosquitto_sub')!, ['-h', '127.0.0.1', '-p', String(port), '-t', 'edge/#', '-C', '1', '-v', '-W', '50']);
      await waitFor(() => /New client connected/.test(log), 30_000, () => `the subscriber did not connect: ${log}`);
      await qemu(target, paths.get('client/mosquitto_pub')!, ['-h', '127.0.0.1', '-p', String(port), '-t', 'edge/telemetry', '-m', `reading from ${target.name}`]);
      t.is((await subscriber).stdout, `edge/telemetry reading from ${target.name}\n`);
    } finally {
      server.kill();
    }
  });
}

nativeTest('two compiles of mosquitto for mips in different folders are byte-identical', async (t) => {
  t.timeout(10 * 60_000);
  const cached = await buildMosquitto(mips, { progress: silentProgress });
  const source = await fetchDebianSource('mosquitto', { release: sourcePackageRelease });
  const again = join(work, 'second-compile');
  await compileMosquitto(mips, source, again, silentProgress);
  for (const [path, data] of cached.outputs) t.true(Buffer.from(data).equals(readFileSync(join(again, 'out', path))), path);
});

async function waitFor(ready: () => boolean, ms: number, message: () => string): Promise<void> {
  const until = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > until) throw new Error(message());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
