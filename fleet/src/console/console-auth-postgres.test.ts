/**
 * The console's sign-in tests again on PostgreSQL, then what only a shared
 * database allows: a session made on one `imago fleet serve` works on
 * another, and signing out on either ends it on both.
 */
import test from 'ava';
import { stopSharedPostgres, usePostgresForFleets } from '../../test/postgres-cluster.ts';
import { openStore } from '../store/open-store.ts';
import { startFleetServer } from '../server/fleet-server.ts';
import { startConsoleFleet } from './console-auth.test.ts';
import './console-auth.test.ts';

usePostgresForFleets();
test.after.always(stopSharedPostgres);

test('two servers on one PostgreSQL: a session made on server 1 opens the API on server 2, and sign-out on server 2 ends it on server 1', async (t) => {
  const c = await startConsoleFleet(t);
  const store = await openStore(c.f.fleet.config.storage, c.f.dir);
  const second = await startFleetServer({ fleet: c.f.fleet, store, listen: { host: '127.0.0.1', port: 0 }, log: () => {} });
  t.teardown(async () => {
    await second.close();
    await store.close();
  });
  const { cookie, json } = await c.signIn();
  const api = { 'imago-fleet-protocol': '1' };
  t.is((await c.browser('GET', '/v1/devices', { cookie, headers: api, port: second.port })).status, 200);
  const created = await c.browser('POST', '/v1/batches', { cookie, csrf: json.csrf, body: JSON.stringify({ count: 1, expires: '1h' }), headers: api, port: second.port });
  t.is(created.status, 200, created.text);
  t.is((await c.browser('POST', '/console/sign-out', { cookie, csrf: json.csrf, port: second.port })).status, 200);
  t.is((await c.browser('GET', '/v1/devices', { cookie, headers: api })).status, 401);
});
