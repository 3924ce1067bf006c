/** `imago fleet operator add NAME --password-file FILE` as a user runs it: the real CLI in a child process. */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFleet } from '../load-fleet.ts';
import { openStore } from '../store/open-store.ts';
import { verifyPassword } from './password-hash.ts';

const imago = new URL('../../../bin/imago', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(imago, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('operator add --password-file stores only a scrypt hash of the first line; a short password, a missing file and --password without a terminal are refused by name', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'imago-operator-password-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'fleet');
  t.is(run('fleet', 'init', dir, '--listen', '127.0.0.1:8443').status, 0);
  await writeFile(join(root, 'short'), 'too short\n');
  await writeFile(join(root, 'good'), 'twelve chars or more\nsecond line ignored\n');
  const short = run('fleet', 'operator', 'add', 'dana', '--fleet', dir, '--password-file', join(root, 'short'));
  t.is(short.status, 1);
  t.regex(short.stderr, new RegExp(`--password-file ${join(root, 'short')}: the password is shorter than 12 characters`));
  t.regex(run('fleet', 'operator', 'add', 'dana', '--fleet', dir, '--password-file', join(root, 'nope')).stderr, /--password-file .*nope: cannot read it \(ENOENT\)/);
  t.regex(run('fleet', 'operator', 'add', 'dana', '--fleet', dir, '--password').stderr, /--password: asks on a terminal, and stdin is not one; give --password-file FILE instead/);
  const added = run('fleet', 'operator', 'add', 'dana', '--fleet', dir, '--password-file', join(root, 'good'));
  t.is(added.status, 0, added.stderr);
  t.regex(added.stdout, /operator dana's profile \(keep it secret\); may sign in to the web console/);
  const fleet = await loadFleet(dir);
  const store = await openStore(fleet.config.storage, dir);
  t.teardown(() => store.close());
  const hash = (await store.getOperator('dana'))?.passwordHash;
  t.regex(hash ?? '', /^scrypt\$/);
  t.false(hash!.includes('twelve'));
  t.true(await verifyPassword('twelve chars or more', hash));
});
