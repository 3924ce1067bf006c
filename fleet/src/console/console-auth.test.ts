/**
 * The web console's way in, against a real server (TLS, certificates, the
 * real store; console-auth-postgres.test.ts runs these again on PostgreSQL):
 * sign-in, the cookie's flags, the sign-in limit, CSRF, sign-out, the
 * security headers, and live events. Requests are made as a browser makes
 * them: no client certificate, the session cookie, the CSRF header on POSTs.
 */
import test from 'ava';
import { request } from 'node:https';
import { fleetDatabaseIfWanted } from '../../test/postgres-cluster.ts';
import { activateDevice, createBatch, pollBody, sendToFleet, startTestFleet, type TestFleet } from '../../test/fleet-fixture.ts';
import { addOperator } from '../cli/operator-add.ts';
import { startFleetServer, type RunningFleetServer } from '../server/fleet-server.ts';
import { buildConsole } from './build-console.ts';
import type { ConsoleFiles } from './console-files.ts';

export const password = 'a long enough password';
let files: Promise<ConsoleFiles> | undefined;

export interface ConsoleFleet {
  f: TestFleet;
  /** A server with the built console on the fixture's fleet and store (the fixture's own serves no console). */
  server: RunningFleetServer;
  browser(method: string, path: string, options?: { cookie?: string; csrf?: string; body?: string; headers?: Record<string, string>; port?: number }): Promise<BrowserReply>;
  signIn(operator?: string, secret?: string, port?: number): Promise<BrowserReply>;
}

export interface BrowserReply {
  status: number;
  text: string;
  json: any;
  headers: Record<string, string | string[] | undefined>;
  /** `name=value` of the Set-Cookie, for the next request. */
  cookie?: string;
}

export async function startConsoleFleet(t: { teardown: (fn: () => Promise<void>) => void }): Promise<ConsoleFleet> {
  const f = await startTestFleet({ postgres: await fleetDatabaseIfWanted() });
  await addOperator('carol', { fleet: f.dir, server: '127.0.0.1:1', password });
  files ??= buildConsole();
  const server = await startFleetServer({ fleet: f.fleet, store: f.store, listen: { host: '127.0.0.1', port: 0 }, log: () => {}, consoleFiles: await files });
  t.teardown(async () => {
    await server.close();
    await f.close();
  });
  // A browser: no client certificate and no protocol header unless the page sends one.
  const browser: ConsoleFleet['browser'] = async (method, path, { cookie, csrf, body, headers = {}, port = server.port } = {}) => {
    const all: Record<string, string> = { ...headers, ...(cookie ? { cookie } : {}), ...(csrf !== undefined ? { 'x-imago-csrf': csrf } : {}), ...(body ? { 'content-type': 'application/json' } : {}) };
    const reply = await sendToFleet({ port, ca: f.fleet.ca.certificatePem, method, path, body, headers: all, protocolHeader: false });
    const setCookie = reply.headers['set-cookie']?.[0];
    return { ...reply, cookie: setCookie?.split(';')[0] };
  };
  const signIn: ConsoleFleet['signIn'] = (operator = 'carol', secret = password, port) => browser('POST', '/console/sign-in', { body: JSON.stringify({ operator, password: secret }), port });
  return { f, server, browser, signIn };
}

const api = { 'imago-fleet-protocol': '1' };

/** What a refused action must leave as it was. */
async function snapshot(f: TestFleet) {
  return { batches: (await f.store.listBatches()).length, audit: (await f.store.listAudit(1000)).map((e) => e.action) };
}

test('console sign-in: the right password sets an HttpOnly, Secure, SameSite=Strict, Path=/ cookie with an expiry, and the operator API answers to it', async (t) => {
  const c = await startConsoleFleet(t);
  const signedIn = await c.signIn();
  t.is(signedIn.status, 200, signedIn.text);
  const cookie = String(signedIn.headers['set-cookie']);
  t.regex(cookie, /^__Host-imago-session=[A-Za-z0-9_-]{43}; /);
  for (const flag of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/', 'Max-Age=43200']) t.true(cookie.split('; ').includes(flag), `${flag} in ${cookie}`);
  t.like(signedIn.json, { operator: 'carol' });
  t.regex(signedIn.json.csrf, /^[A-Za-z0-9_-]{43}$/);
  const devices = await c.browser('GET', '/v1/devices', { cookie: signedIn.cookie, headers: api });
  t.is(devices.status, 200, devices.text);
  t.deepEqual(devices.json, { devices: [] });
  const again = await c.browser('GET', '/console/session', { cookie: signedIn.cookie });
  t.is(again.json.csrf, signedIn.json.csrf, 'a reloaded page gets the same CSRF token back');
  t.deepEqual((await c.f.store.listAudit(10)).map((e) => `${e.operator} ${e.action}`), ['carol sign-in']);
});

test('console sign-in: a wrong password and an unknown operator both get the same 401 and no cookie', async (t) => {
  const c = await startConsoleFleet(t);
  const wrong = await c.signIn('carol', 'not the password');
  const unknown = await c.signIn('mallory', password);
  const certificateOnly = await c.signIn('alice', password);
  for (const reply of [wrong, unknown, certificateOnly]) {
    t.is(reply.status, 401, reply.text);
    t.deepEqual(reply.json, { error: 'sign-in: wrong operator name or password' });
    t.is(reply.headers['set-cookie'], undefined);
  }
  const form = await c.browser('POST', '/console/sign-in', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  t.is(form.status, 415, 'a cross-site form cannot sign a browser in');
});

test('console sign-in: after 5 failures for an account, the next attempt is refused with 429 and Retry-After, even with the right password', async (t) => {
  const c = await startConsoleFleet(t);
  const firstFailure = Date.now();
  for (let i = 0; i < 5; i++) t.is((await c.signIn('carol', `wrong ${i}`)).status, 401);
  const limited = await c.signIn();
  t.is(limited.status, 429, limited.text);
  // The 5-minute window counts from the first failure, so the wait shrinks by however long the failures took (seconds on a loaded machine).
  const waited = Math.ceil((Date.now() - firstFailure) / 1000);
  const retryAfter = Number(limited.headers['retry-after']);
  t.true(retryAfter <= 300 && retryAfter >= 300 - waited - 1, `Retry-After ${limited.headers['retry-after']} after ${waited} s of failures`);
  t.regex(limited.json.error, /too many failed attempts; try again in \d+ s/);
  t.is(limited.headers['set-cookie'], undefined);
});

test('console actions: a POST without the CSRF header or with a wrong one is refused with 403 and changes nothing', async (t) => {
  const c = await startConsoleFleet(t);
  const { cookie, json } = await c.signIn();
  const before = await snapshot(c.f);
  const body = JSON.stringify({ name: 'web-1', count: 2, expires: '1h' });
  const missing = await c.browser('POST', '/v1/batches', { cookie, body, headers: api });
  const wrong = await c.browser('POST', '/v1/batches', { cookie, csrf: `${json.csrf.slice(0, -1)}${json.csrf.endsWith('A') ? 'B' : 'A'}`, body, headers: api });
  const otherSessions = await c.browser('POST', '/v1/batches', { cookie, csrf: (await c.signIn()).json.csrf, body, headers: api });
  for (const reply of [missing, wrong, otherSessions]) {
    t.is(reply.status, 403, reply.text);
    t.regex(reply.json.error, /x-imago-csrf header is missing or wrong/);
  }
  const signOut = await c.browser('POST', '/console/sign-out', { cookie });
  t.is(signOut.status, 403, 'sign-out needs the token too');
  t.deepEqual({ ...(await snapshot(c.f)), audit: before.audit }, before);
  t.deepEqual((await snapshot(c.f)).audit.filter((a) => a !== 'sign-in'), []);
  const right = await c.browser('POST', '/v1/batches', { cookie, csrf: json.csrf, body, headers: api });
  t.is(right.status, 200, right.text);
  t.deepEqual((await c.f.store.listAudit(1))[0]?.operator, 'carol');
});

test('console: without a session (no cookie, a made-up one) the operator API and the event stream answer 401', async (t) => {
  const c = await startConsoleFleet(t);
  const madeUp = '__Host-imago-session=' + 'A'.repeat(43);
  for (const [path, cookie] of [['/v1/devices', undefined], ['/v1/devices', madeUp], ['/console/events', undefined], ['/console/events', madeUp], ['/console/session', undefined]] as const) {
    const reply = await c.browser('GET', path, { cookie, headers: api });
    t.is(reply.status, 401, `${path} ${cookie ?? 'no cookie'}: ${reply.text}`);
  }
  const action = await c.browser('POST', '/v1/batches', { cookie: madeUp, csrf: 'x', body: '{}', headers: api });
  t.is(action.status, 401);
});

test('console sign-out ends the session: the cookie is cleared and no longer opens the API', async (t) => {
  const c = await startConsoleFleet(t);
  const { cookie, json } = await c.signIn();
  const out = await c.browser('POST', '/console/sign-out', { cookie, csrf: json.csrf });
  t.is(out.status, 200, out.text);
  t.regex(String(out.headers['set-cookie']), /^__Host-imago-session=; .*Max-Age=0/);
  t.is((await c.browser('GET', '/v1/devices', { cookie, headers: api })).status, 401);
  t.deepEqual((await c.f.store.listAudit(10)).map((e) => e.action), ['sign-out', 'sign-in']);
});

test('console pages: served without the protocol header, gzipped, with a CSP allowing no inline script, nosniff, no referrer and no framing; the API still needs the header', async (t) => {
  const c = await startConsoleFleet(t);
  const page = await c.browser('GET', '/');
  t.is(page.status, 200, page.text);
  t.regex(page.text, /<script type="module" src="\/app\.js">/);
  const csp = String(page.headers['content-security-policy']);
  t.regex(csp, /default-src 'self'/);
  t.regex(csp, /script-src 'self'(;|$)/);
  t.notRegex(csp, /unsafe-inline|unsafe-eval/);
  t.regex(csp, /frame-ancestors 'none'/);
  t.is(page.headers['x-content-type-options'], 'nosniff');
  t.is(page.headers['referrer-policy'], 'no-referrer');
  const script = await c.browser('GET', '/app.js', { headers: { 'accept-encoding': 'gzip' } });
  t.is(script.headers['content-encoding'], 'gzip');
  t.regex(String(script.headers['content-type']), /^text\/javascript/);
  const cached = await c.browser('GET', '/app.js', { headers: { 'if-none-match': String(script.headers.etag) } });
  t.is(cached.status, 304);
  const { cookie } = await c.signIn();
  t.is((await c.browser('GET', '/v1/devices', { cookie })).status, 426, 'the /v1 API keeps its protocol version check');
  t.is((await c.f.send('GET', '/')).status, 404, 'a server started without the console serves none');
});

/** Reads server-sent events until `enough` has seen what it needs. */
function readEvents(c: ConsoleFleet, cookie: string, enough: (events: string[]) => boolean, port?: number): { events: Promise<string[]>; opened: Promise<void> } {
  let opened!: () => void;
  const openedPromise = new Promise<void>((resolve) => (opened = resolve));
  const events = new Promise<string[]>((resolve, reject) => {
    const seen: string[] = [];
    const req = request({ host: '127.0.0.1', port: port ?? c.server.port, path: '/console/events', ca: c.f.fleet.ca.certificatePem, servername: 'localhost', agent: false, headers: { cookie } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events: ${res.statusCode}`));
      let pending = '';
      res.on('data', (chunk: Buffer) => {
        if (pending === '' && seen.length === 0) opened();
        pending += chunk.toString('utf8');
        const blocks = pending.split('\n\n');
        pending = blocks.pop()!;
        for (const block of blocks) if (block.startsWith('event: ')) seen.push(block);
        if (enough(seen)) {
          req.destroy();
          resolve(seen);
        }
      });
    });
    req.on('error', (error) => (enough(seen) ? undefined : reject(error)));
    setTimeout(() => (req.destroy(), reject(new Error(`events seen in 10 s: ${JSON.stringify(seen)}`))), 10_000).unref();
    req.end();
  });
  return { events, opened: openedPromise };
}

test('console events: a device activating and polling, its command result and an audit entry arrive as server-sent events', async (t) => {
  const c = await startConsoleFleet(t);
  const { cookie } = await c.signIn();
  const stream = readEvents(c, cookie!, (events) => events.some((e) => e.startsWith('event: result')) && events.some((e) => e.startsWith('event: audit')));
  await stream.opened;
  const device = await activateDevice(c.f, await createBatch(c.f, { count: 1, expires: '1h' }));
  const restart = c.f.send('POST', `/v1/devices/${device.id}/services/web/restart`, { as: c.f.asOperator });
  const poll = await c.f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(5) });
  await c.f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(0, [{ id: poll.json.commands[0].id, ok: true }]) });
  await restart;
  const events = await stream.events;
  t.true(events.includes(`event: device\ndata: {"deviceId":"${device.id}"}`), events.join('\n'));
  t.true(events.includes(`event: result\ndata: {"deviceId":"${device.id}","commandId":"${poll.json.commands[0].id}"}`), events.join('\n'));
  t.true(events.includes('event: audit\ndata: {}'), events.join('\n'));
  t.false(events.some((e) => e.startsWith('event: command')), 'commands are the devices\' business');
});
