/**
 * A throw-away PostgreSQL for tests: Debian's server binaries, a new cluster
 * in a temporary folder, listening on 127.0.0.1 and a free port (and a unix
 * socket inside the folder, so it collides with nothing on the machine),
 * fsync off since the data dies with the test. initdb refuses to run as root,
 * so as root the cluster belongs to the `postgres` account Debian's package
 * makes (the server is spawned with its uid and gid rather than through
 * runuser, so a signal to stop it reaches postgres itself). Stopped and
 * removed at the end, and when the process exits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const debianRoot = '/usr/lib/postgresql';

export interface TestPostgres {
  /** libpq key=value words, as fleet.json's storage.connection takes them. */
  connection: string;
  stop(): Promise<void>;
}

function findBinaries(): string {
  const versions = existsSync(debianRoot) ? readdirSync(debianRoot).filter((v) => existsSync(join(debianRoot, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`${debianRoot}/<version>/bin/initdb: not found; the fleet store's tests need PostgreSQL: run scripts/install-host-packages`);
  return join(debianRoot, newest, 'bin');
}

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

export async function startPostgres(): Promise<TestPostgres> {
  const bin = findBinaries();
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'postgres' : userInfo().username;
  const account: { uid?: number; gid?: number } = asRoot ? postgresAccount() : {};

  const root = mkdtempSync(join(tmpdir(), 'imago-pg-'));
  const data = join(root, 'data');
  if (asRoot) {
    // mkdtemp makes the folder 0700 and root's: the postgres account must own it to make its data and socket there.
    chownSync(root, account.uid!, account.gid!);
    chmodSync(root, 0o700);
  }

  const run = (program: string, args: string[]) => {
    const result = spawnSync(join(bin, program), args, { encoding: 'utf8', cwd: root, ...account });
    if (result.status !== 0) throw new Error(`${program} ${args.join(' ')}: exit ${result.status}: ${result.stderr || result.stdout}`);
  };

  let server: ChildProcess | undefined;
  const cleanUp = () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);

  try {
    run('initdb', ['-D', data, '-U', user, '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const port = await freePort();
    server = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', root, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], ...account });
    let log = '';
    server.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString('utf8')).slice(-4000)));
    await waitUntilReady(server, () => log);
    run('createdb', ['-h', root, '-p', String(port), '-U', user, 'fleet']);
    const running = server;
    return {
      connection: `host=127.0.0.1 port=${port} dbname=fleet user=${user}`,
      async stop() {
        if (running.exitCode === null) {
          const exited = new Promise((resolve) => running.once('exit', resolve));
          running.kill('SIGINT'); // fast shutdown: the data is thrown away anyway
          await exited;
        }
        process.removeListener('exit', cleanUp);
        cleanUp();
      },
    };
  } catch (error) {
    process.removeListener('exit', cleanUp);
    cleanUp();
    throw error;
  }
}

/** The uid and gid of Debian's postgres account, which initdb and postgres run as when we are root. */
function postgresAccount(): { uid: number; gid: number } {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) throw new Error(`running as root, the throw-away PostgreSQL needs the postgres account that Debian's postgresql package makes: run scripts/install-host-packages`);
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/** Ready when the log says so; an exit first is an error carrying the log. */
function waitUntilReady(server: ChildProcess, log: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (log().includes('ready to accept connections')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    server.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`postgres exited (${code}) before it was ready: ${log()}`));
    });
  });
}

let databasesMade = 0;

/** A new empty database in the cluster `connection` reaches; returns the connection to it. Each test gets its own so tests running at once share nothing. */
export async function freshDatabase(connection: string): Promise<string> {
  const { default: pg } = await import('pg');
  const { parsePostgresConnection } = await import('../src/store/postgres-connection.ts');
  const name = `fleet_${process.pid}_${++databasesMade}`;
  const admin = new pg.Client(parsePostgresConnection(connection));
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return connection.replace(/dbname=\S+/, `dbname=${name}`);
}

let shared: { wanted: boolean; cluster?: Promise<TestPostgres> } = { wanted: false };

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
