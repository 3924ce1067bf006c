/**
 * A throw-away PostgreSQL for tests: Debian's own binaries, a cluster made by
 * initdb in a temp folder, listening on 127.0.0.1 and a socket in that folder,
 * fsync off (the data dies with the test). initdb refuses to run as root, so
 * under root (CI) the server runs as the `postgres` account Debian's package
 * creates; as a normal user it runs as that user.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const debianRoot = '/usr/lib/postgresql';

function findBinaries(): string {
  const versions = existsSync(debianRoot) ? readdirSync(debianRoot).filter((v) => existsSync(join(debianRoot, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) {
    throw new Error(`PostgreSQL is not installed: expected ${debianRoot}/<version>/bin/initdb (Debian's postgresql package). Run scripts/install-host-packages.`);
  }
  return join(debianRoot, newest, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The account to run as: under root, Debian's postgres user; otherwise whoever runs the tests. */
function account(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('the tests run as root and initdb refuses root, but there is no postgres account (Debian\'s postgresql package makes it). Run scripts/install-host-packages.');
  }
}

async function waitUntilReady(connection: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`postgres exited with ${server.exitCode} before accepting connections:\n${log()}`);
    const client = new pg.Client({ connectionString: connection });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 30 s (${(error as Error).message}):\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function startPostgres(): Promise<{ connection: string; stop(): Promise<void> }> {
  const bin = findBinaries();
  const runAs = account();
  const folder = mkdtempSync(join(tmpdir(), 'imago-postgres-'));
  if (runAs) chownSync(folder, runAs.uid, runAs.gid);
  const data = join(folder, 'data');
  const options = { ...runAs, cwd: folder, env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' } };
  try {
    execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { ...options, stdio: 'pipe' });
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    const output = error as { stderr?: Buffer };
    throw new Error(`initdb into ${data} failed: ${output.stderr?.toString() ?? String(error)}`);
  }

  const port = await freePort();
  const server = spawn(join(bin, 'postgres'), [
    '-D', data, '-k', folder, '-h', '127.0.0.1', '-p', String(port),
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=100',
  ], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout!.on('data', (chunk) => (output += chunk));
  server.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));

  // A test run that dies without stop() must not leave a server or its folder behind.
  const onExit = () => {
    server.kill('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const connection = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitUntilReady(connection, server, () => output);
  } catch (error) {
    onExit();
    process.off('exit', onExit);
    throw error;
  }

  return {
    connection,
    async stop() {
      process.off('exit', onExit);
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        // SIGINT: PostgreSQL's fast shutdown (ends sessions, no waiting for clients).
        server.kill('SIGINT');
        await exited;
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

let databasesMade = 0;

/** A new empty database on the cluster `connection` reaches; returns the connection to it. Each fleet of a test gets its own, so tests running at once share nothing. */
export async function freshDatabase(connection: string): Promise<string> {
  const name = `fleet_${process.pid}_${++databasesMade}`;
  const admin = new pg.Client({ connectionString: connection });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return connection.replace(/\/[^/]*$/, `/${name}`);
}

let shared: { wanted: boolean; cluster?: Promise<{ connection: string; stop(): Promise<void> }> } = { wanted: false };

/** Says that this test process runs its fleets on PostgreSQL: called while tests are declared, before any cluster is needed. */
export function usePostgresForFleets(): void {
  shared.wanted = true;
}

/** A fresh database on this process's one throw-away cluster when usePostgresForFleets was called; undefined (SQLite) otherwise. */
export async function fleetDatabaseIfWanted(): Promise<string | undefined> {
  if (!shared.wanted) return undefined;
  shared.cluster ??= startPostgres();
  return freshDatabase((await shared.cluster).connection);
}

/** Stops the cluster fleetDatabaseIfWanted started, if it did. */
export async function stopSharedPostgres(): Promise<void> {
  const cluster = shared.cluster;
  shared = { wanted: shared.wanted };
  if (cluster) await (await cluster).stop();
}
