/**
 * Compiles Debian 12's OpenSSL and mosquitto for each test architecture
 * (IMAGO_TEST_ARCH: x86_64 and mips in `make test`; OpenSSL takes a few
 * minutes, mosquitto about one, when the cache is cold), checks each program
 * with `file`, runs them under qemu-user, passes a message from mosquitto_pub
 * on a plain listener through the broker to mosquitto_sub on a TLS listener
 * (a certificate made by the host's openssl, checked by the client against
 * its CA), and compiles mips a second time in another folder to compare the
 * bytes. Needs the network for the first download, the cross compilers and
 * qemu-user-static. Skipped with IMAGO_SKIP_NATIVE=1, like the other native
 * tests.
 */
import test from 'ava';
import { execFile as execFileCb, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getTarget } from '../../../targets/index.ts';
import { mips } from '../../../targets/mips.ts';
import { testArches } from '../../../qemu-tests/test-arches.ts';
import type { Target } from '../../../targets/types.ts';
import { fetchDebianSource } from '../debian/source.ts';
import { buildOpenssl } from '../openssl/build-openssl.ts';
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

/** A CA and a server certificate for 127.0.0.1 it signed, made with the host's openssl. */
async function tlsFiles(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const file = (name: string) => join(dir, name);
  const ssl = (args: string[]) => execFile('openssl', args, { encoding: 'utf8' });
  await ssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=imago test CA', '-keyout', file('ca.key'), '-out', file('ca.crt')]);
  await ssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', file('server.key'), '-out', file('server.csr')]);
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  await ssl(['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file('san.ext'), '-out', file('server.crt')]);
  return { ca: file('ca.crt'), cert: file('server.crt'), key: file('server.key') };
}

// x86_64 and mips in `make test` (IMAGO_TEST_ARCH's default); every architecture in `make test-matrix`.
for (const target of testArches().map(getTarget)) {
  const elf = `${target.elf.class}-bit ${target.elf.endian} executable, ${target.elf.machine}`;
  nativeTest(`mosquitto, mosquitto_pub, mosquitto_sub and mosquitto_rr built from Debian source for ${target.name} are static ${elf} and pass a message over TLS under qemu-user`, async (t) => {
    t.timeout(20 * 60_000);
    const started = Date.now();
    const built = await buildMosquitto(target, { progress: silentProgress });
    t.log(`${target.name}: mosquitto ${built.version} ${built.cached ? 'from the cache' : 'compiled'} in ${((Date.now() - started) / 1000).toFixed(0)} s; ${[...built.outputs].map(([path, data]) => `${path} ${data.length} bytes`).join(', ')}`);
    const paths = new Map<string, string>();
    for (const [path, data] of built.outputs) {
      const file = join(work, `${target.name}-${path.replace('/', '_')}`);
      writeFileSync(file, data, { mode: 0o755 });
      paths.set(path, file);
      const { stdout } = await execFile('file', ['-b', file], { encoding: 'utf8' });
      t.regex(stdout, new RegExp(`^ELF ${elf}, .*statically linked.*stripped`), path);
    }
    const broker = paths.get('src/mosquitto')!;
    // -h prints the usage and exits 3 (mosquitto's own convention).
    const help = await qemu(target, broker, ['-h']).catch((error: { stdout: string }) => error);
    t.regex(help.stdout, /^mosquitto version 2\.0\.11\n/);
    t.regex((await qemu(target, paths.get('client/mosquitto_pub')!, ['--help']).catch((error: { stdout: string }) => error)).stdout, /mosquitto_pub version 2\.0\.11 running on libmosquitto 2\.0\.11/);

    const port = await freePort();
    const tlsPort = await freePort();
    const tls = await tlsFiles(mkdtempSync(join(work, `${target.name}-tls-`)));
    const config = join(work, `${target.name}.conf`);
    // user root: as root mosquitto would switch to the mosquitto user, and the lookup, absent from the host's /etc/passwd, goes on to
    // the host's nsswitch.conf sources (libnss_systemd), which a static glibc program cannot load. In an image /etc/passwd has the user.
    writeFileSync(config, `user root\nallow_anonymous true\nlistener ${port} 127.0.0.1\nlistener ${tlsPort} 127.0.0.1\ncafile ${tls.ca}\ncertfile ${tls.cert}\nkeyfile ${tls.key}\n`);
    const server = spawn(target.qemu.userBinary, [broker, '-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    server.stderr.on('data', (chunk) => (log += chunk));
    try {
      await waitFor(() => /mosquitto version 2\.0\.11 running/.test(log), 30_000, () => `the broker did not start: ${log}`);
      // The subscriber checks the broker's certificate against the CA (and 127.0.0.1 against its subjectAltName).
      const subscriber = qemu(target, paths.get('client/mosquitto_sub')!, ['-h', '127.0.0.1', '-p', String(tlsPort), '--cafile', tls.ca, '-t', 'edge/#', '-C', '1', '-v', '-W', '50']);
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
  await compileMosquitto(mips, source, await buildOpenssl(mips, { progress: silentProgress }), again, silentProgress);
  for (const [path, data] of cached.outputs) t.true(Buffer.from(data).equals(readFileSync(join(again, 'out', path))), path);
});

async function waitFor(ready: () => boolean, ms: number, message: () => string): Promise<void> {
  const until = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > until) throw new Error(message());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
