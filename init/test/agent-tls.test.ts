/**
 * Builds tls-smoke.ts into the real agent binary (QuickJS + imago:native +
 * imago:tls on mbed TLS) for every architecture whose cross compiler and
 * qemu-user are installed here, and runs it against a Node HTTPS server on
 * 127.0.0.1 with a CA and certificates the test makes with the openssl CLI.
 *
 * x86_64 must be buildable (the test fails otherwise); other architectures
 * are covered when /usr/bin/<triplet>-gcc and /usr/bin/qemu-<arch>-static
 * exist, and the covered list is logged. Skipped with IMAGO_SKIP_NATIVE=1.
 */
import test from 'ava';
import { execFile as execFileCb, execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TLSSocket } from 'node:tls';
import { silentProgress } from '../../builder/src/progress.ts';
import { buildAgent, buildMbedtls, fetchMbedtlsSource } from '../../builder/src/agent-binary/index.ts';
import { cacheRoot } from '../../builder/src/io/cache.ts';
import { fetchQuickjsSource } from '../../builder/src/init-binary/index.ts';
import { targets } from '../../targets/index.ts';
import type { Target } from '../../targets/types.ts';

const execFile = promisify(execFileCb);
const enabled = process.env.IMAGO_SKIP_NATIVE !== '1';
const work = mkdtempSync(join(tmpdir(), 'imago-agent-tls-'));
const entry = 'init/test/tls-smoke.ts';

const allTargets = Object.values(targets);
const installed = (target: Target) =>
  existsSync(`/usr/bin/${target.triplet}-gcc`) && (target.name === 'x86_64' || existsSync(`/usr/bin/${target.qemu.userBinary}`));
const covered = allTargets.filter(installed);
const binaries = new Map<string, string>();

/* ---- a CA and certificates, made with openssl ---- */

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(name: string): void {
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}-key.pem`]);
  openssl(['req', '-new', '-x509', '-key', `${name}-key.pem`, '-subj', `/CN=${name}`, '-days', '30', '-out', `${name}.pem`]);
}

let serial = 1;
/** Signs `csr` with `ca` through `openssl ca`, which (unlike x509 -req in OpenSSL 3.0) takes any validity window. */
function sign(ca: string, csr: string, out: string, options: { san?: string; start?: string; end?: string; client?: boolean }): void {
  const db = join(work, `db-${out}`);
  mkdirSync(join(db, 'new'), { recursive: true });
  writeFileSync(join(db, 'index.txt'), '');
  writeFileSync(join(db, 'serial'), `${(serial++).toString(16).padStart(2, '0')}\n`);
  writeFileSync(
    join(db, 'ca.cnf'),
    [
      '[ca]', 'default_ca = d', '[d]', `database = ${db}/index.txt`, `new_certs_dir = ${db}/new`, `serial = ${db}/serial`,
      'default_md = sha256', 'policy = p', 'unique_subject = no', '[p]', 'commonName = supplied', 'organizationName = optional',
      '[ext]', 'basicConstraints = CA:FALSE', `extendedKeyUsage = ${options.client ? 'clientAuth' : 'serverAuth'}`,
      ...(options.san ? [`subjectAltName = ${options.san}`] : []),
    ].join('\n') + '\n',
  );
  openssl([
    'ca', '-batch', '-notext', '-config', join(db, 'ca.cnf'), '-extensions', 'ext', '-cert', `${ca}.pem`, '-keyfile', `${ca}-key.pem`,
    '-in', csr, '-out', out, '-startdate', options.start ?? '20200101000000Z', '-enddate', options.end ?? '20991231000000Z',
  ]);
}

function serverCert(name: string, ca: string, options: { san?: string; start?: string; end?: string } = {}): { key: string; cert: string } {
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}-key.pem`]);
  openssl(['req', '-new', '-key', `${name}-key.pem`, '-subj', '/CN=fleet', '-out', `${name}.csr`]);
  sign(ca, `${name}.csr`, `${name}.pem`, { san: options.san ?? 'IP:127.0.0.1,DNS:localhost', ...options });
  return { key: readFileSync(join(work, `${name}-key.pem`), 'utf8'), cert: readFileSync(join(work, `${name}.pem`), 'utf8') };
}

/* ---- HTTPS servers that require a client certificate from the fleet CA ---- */

const servers: Server[] = [];
const ports: Record<string, number> = {};

async function serve(name: string, identity: { key: string; cert: string }, maxVersion: 'TLSv1.2' | 'TLSv1.3' = 'TLSv1.3'): Promise<void> {
  const server = createServer(
    { ...identity, ca: readFileSync(join(work, 'fleet-ca.pem'), 'utf8'), requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2', maxVersion },
    (request, response) => {
      const socket = request.socket as TLSSocket;
      const peer = socket.getPeerCertificate();
      response.setHeader('connection', 'close');
      response.end(`hello ${peer.subject?.CN} over ${socket.getProtocol()} for ${request.url}`);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  ports[name] = (server.address() as AddressInfo).port;
}

function runAgent(target: Target, args: string[]): Promise<Record<string, unknown>> {
  const binary = binaries.get(target.name)!;
  const [command, ...prefix] = target.name === 'x86_64' ? [binary] : [target.qemu.userBinary, binary];
  return execFile(command!, [...prefix, ...args], { cwd: work, timeout: 60_000, encoding: 'utf8' }).then(({ stdout }) => JSON.parse(stdout));
}

test.before(async (t) => {
  if (!enabled) return;
  t.timeout(30 * 60_000);
  makeCa('fleet-ca');
  makeCa('other-ca');
  await serve('good', serverCert('good', 'fleet-ca'));
  await serve('tls12', serverCert('good12', 'fleet-ca'), 'TLSv1.2');
  await serve('otherCa', serverCert('other', 'other-ca'));
  await serve('expired', serverCert('expired', 'fleet-ca', { start: '20200101000000Z', end: '20210101000000Z' }));
  const quickjs = await fetchQuickjsSource();
  const sizes: string[] = [];
  for (const target of covered) {
    const started = Date.now();
    const { binary } = await buildAgent({ target, quickjsDir: quickjs.dir, entry, progress: silentProgress });
    const path = join(work, `agent-${target.name}`);
    writeFileSync(path, binary, { mode: 0o755 });
    binaries.set(target.name, path);
    sizes.push(`${target.name} ${binary.length} bytes (${Date.now() - started} ms)`);
  }
  t.log(`agent binaries: ${sizes.join('; ')}`);
  t.log(`architectures not installed here: ${allTargets.filter((target) => !installed(target)).map((target) => target.name).join(', ') || 'none'}`);
});

test.after.always(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(work, { recursive: true, force: true });
});

const nativeTest = enabled ? test : test.skip;

nativeTest('x86_64 can be built here (its compiler is required)', (t) => {
  t.true(covered.some((target) => target.name === 'x86_64'), '/usr/bin/x86_64-linux-gnu-gcc is missing');
});

nativeTest('mbed TLS builds byte-identically in another cache, with no build paths inside', async (t) => {
  t.timeout(5 * 60_000);
  const x86_64 = targets.x86_64!;
  const source = await fetchMbedtlsSource();
  const first = await buildMbedtls({ target: x86_64, mbedtlsDir: source.dir, optimize: 'O2', progress: silentProgress });
  const realCache = process.env.IMAGO_CACHE;
  process.env.IMAGO_CACHE = join(work, 'cold-cache');
  try {
    const second = await buildMbedtls({ target: x86_64, mbedtlsDir: source.dir, optimize: 'O2', progress: silentProgress });
    t.true(second.path.startsWith(cacheRoot()), 'the second build went to the other cache');
    t.true(readFileSync(first.path).equals(readFileSync(second.path)));
    const text = readFileSync(second.path).toString('latin1');
    t.false(text.includes(source.dir), 'the source folder leaked into the archive');
    t.false(text.includes(work), 'the cache folder leaked into the archive');
  } finally {
    if (realCache === undefined) delete process.env.IMAGO_CACHE;
    else process.env.IMAGO_CACHE = realCache;
  }
});

for (const target of allTargets) {
  const archTest = enabled && installed(target) ? test : test.skip;
  const expected = `ELF ${target.elf.class}-bit ${target.elf.endian}`;

  archTest(`${target.name}: the agent is a static, stripped ${expected} executable`, (t) => {
    const description = execFileSync('file', ['-b', binaries.get(target.name)!], { encoding: 'utf8' });
    t.log(description.trim());
    t.true(description.startsWith(`${expected} executable`), description);
    t.regex(description, /statically linked/);
    t.regex(description, /stripped/);
  });

  archTest(`${target.name}: an uncaught error ends the agent with status 1 and the message on stderr`, async (t) => {
    const error = await t.throwsAsync(runAgent(target, ['throw']));
    const failure = error as Error & { code?: number; stderr?: string };
    t.is(failure.code, 1);
    t.regex(failure.stderr ?? '', /^agent: error: unhandled promise rejection: Error: tls-smoke: thrown on purpose/);
  });

  archTest(`${target.name}: a key and CSR made on the device verify in Node and openssl`, async (t) => {
    const result = await runAgent(target, ['keygen', 'CN=device-1,O=imago']);
    const key = createPublicKey(result.key as string);
    t.is(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const csrPath = join(work, `device-${target.name}.csr`);
    writeFileSync(csrPath, result.csr as string);
    const verified = execFileSync('openssl', ['req', '-in', csrPath, '-verify', '-noout', '-subject'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    t.regex(verified, /CN\s*=\s*device-1/);
    // The fleet CA signs it, and Node checks the result against the CA.
    sign('fleet-ca', csrPath, `device-${target.name}.pem`, { client: true });
    const cert = new X509Certificate(readFileSync(join(work, `device-${target.name}.pem`)));
    t.true(cert.verify(new X509Certificate(readFileSync(join(work, 'fleet-ca.pem'))).publicKey));
    t.true(cert.checkPrivateKey(createPrivateKey(result.key as string)));
  });

  archTest(`${target.name}: keyMatches: a certificate matches the key it was signed for, and no other`, async (t) => {
    const dir = clientDir(target, true);
    const own = await runAgent(target, ['match', join(dir, 'client.pem'), join(dir, 'client-key.pem')]);
    t.true(own.matches as boolean, 'the stored identity of a device is reused after a reboot');
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(dir, 'other-key.pem')]);
    const other = await runAgent(target, ['match', join(dir, 'client.pem'), join(dir, 'other-key.pem')]);
    t.false(other.matches as boolean);
  });

  archTest(`${target.name}: certificateInfo and verifyCertificate read what openssl wrote`, async (t) => {
    const good = await runAgent(target, ['inspect', 'good.pem', 'fleet-ca.pem']);
    const info = good.info as Record<string, unknown>;
    t.is(info.subject, 'CN=fleet');
    t.is(info.issuer, 'CN=fleet-ca');
    t.is(info.notBefore, Date.UTC(2020, 0, 1));
    t.is(info.notAfter, Date.UTC(2099, 11, 31));
    t.is(good.verify, '');
    t.regex((await runAgent(target, ['inspect', 'expired.pem', 'fleet-ca.pem'])).verify as string, /expired/);
    t.regex((await runAgent(target, ['inspect', 'other.pem', 'fleet-ca.pem'])).verify as string, /not signed by the pinned CA/);
  });

  archTest(`${target.name}: mutual TLS and an HTTP round trip through read/write`, async (t) => {
    const dir = clientDir(target, true);
    const result = await runAgent(target, ['get', dir, '127.0.0.1', String(ports.good), '127.0.0.1']);
    t.is(result.stage, 'done', JSON.stringify(result));
    t.regex(result.response as string, /^HTTP\/1\.1 200 OK\r\n/);
    t.regex(result.response as string, /hello device-1 over TLSv1\.3 for \/hello$/);
    t.is(result.verifyResult, '');
    t.regex(result.outOfRange as string, /RangeError: .*offset 4000 and length 200 do not fit a buffer of 4096 bytes/);
  });

  archTest(`${target.name}: mutual TLS 1.2 (ECDHE-ECDSA, AES-GCM) with a server that has no TLS 1.3`, async (t) => {
    const result = await runAgent(target, ['get', clientDir(target, true), '127.0.0.1', String(ports.tls12), 'localhost']);
    t.is(result.stage, 'done', JSON.stringify(result));
    t.regex(result.response as string, /hello device-1 over TLSv1\.2 for \/hello$/);
  });

  archTest(`${target.name}: the server refuses a client without a certificate`, async (t) => {
    const result = await runAgent(target, ['get', clientDir(target, false), '127.0.0.1', String(ports.good), '127.0.0.1']);
    t.not(result.stage, 'done', JSON.stringify(result));
  });

  archTest(`${target.name}: a server certificate from another CA is refused with the reason`, async (t) => {
    const result = await runAgent(target, ['get', clientDir(target, true), '127.0.0.1', String(ports.otherCa), '127.0.0.1']);
    t.is(result.stage, 'handshake');
    t.regex(result.verifyResult as string, /not signed by the pinned CA/);
  });

  archTest(`${target.name}: a hostname the server certificate does not carry is refused`, async (t) => {
    const result = await runAgent(target, ['get', clientDir(target, true), '127.0.0.1', String(ports.good), 'fleet.wrong.test']);
    t.is(result.stage, 'handshake');
    t.regex(result.verifyResult as string, /wrong name/);
    const byAddress = await runAgent(target, ['get', clientDir(target, true), '127.0.0.1', String(ports.good), '127.0.0.2']);
    t.regex(byAddress.verifyResult as string, /wrong name/);
  });

  archTest(`${target.name}: an expired server certificate is refused`, async (t) => {
    const result = await runAgent(target, ['get', clientDir(target, true), '127.0.0.1', String(ports.expired), '127.0.0.1']);
    t.is(result.stage, 'handshake');
    t.regex(result.verifyResult as string, /expired/);
  });
}

/** A folder with the fleet CA and, with `identity`, a client certificate for device-1 signed by it. */
function clientDir(target: Target, identity: boolean): string {
  const dir = join(work, `client-${target.name}-${identity ? 'id' : 'anon'}`);
  if (existsSync(dir)) return dir;
  mkdirSync(dir);
  writeFileSync(join(dir, 'ca.pem'), readFileSync(join(work, 'fleet-ca.pem')));
  if (identity) {
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(dir, 'client-key.pem')]);
    openssl(['req', '-new', '-key', join(dir, 'client-key.pem'), '-subj', '/CN=device-1', '-out', join(dir, 'client.csr')]);
    sign('fleet-ca', join(dir, 'client.csr'), join(dir, 'client.pem'), { client: true });
  }
  return dir;
}
