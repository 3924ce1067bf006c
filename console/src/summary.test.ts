import test from 'ava';
import { ago, auditDetail, duration, healthSummary, slotSummary, when } from './summary.ts';
import type { DeviceStatus } from './types.ts';

const base: DeviceStatus = { image: 'edge', version: '1', arch: 'x86_64', hostname: 'gw', uptime: 1, time: 0, addresses: [], services: [] };
const service = (name: string, state: string, health: string) => ({ name, state, health, restarts: 0 });

test('health summary: all fine, some in trouble, nothing reported', (t) => {
  t.is(healthSummary({ ...base, services: [service('a', 'running', 'healthy'), service('b', 'running', 'none')] }), '2 services, all fine');
  t.is(healthSummary({ ...base, services: [service('web', 'failed', 'none'), service('db', 'running', 'unhealthy'), service('c', 'running', 'healthy')] }), '2 of 3 in trouble: web (failed), db (unhealthy)');
  t.is(healthSummary({ ...base, services: [] }), 'no services');
  t.is(healthSummary(undefined), 'no report yet');
});

test('slot summary: committed, on trial, no A/B updates', (t) => {
  const slots = (committed: boolean) => [{ slot: 'a', booted: false, committed: true }, { slot: 'b', booted: true, committed }];
  t.is(slotSummary({ ...base, update: { booted: 'b', state: 'idle', slots: slots(true) } }), 'b, committed');
  t.is(slotSummary({ ...base, update: { booted: 'b', state: 'trial', slots: slots(false) } }), 'b, on trial');
  t.is(slotSummary(base), '-');
});

test('ago and duration read as a person would say them', (t) => {
  t.is(ago(undefined, 0), 'never');
  t.is(ago(0, 45_000), '45 s ago');
  t.is(ago(0, 600_000), '10 min ago');
  t.is(ago(0, 3 * 3_600_000), '3 h ago');
  t.is(duration(59), '59 s');
  t.is(duration(3 * 3600 + 5 * 60), '3 h 5 min');
  t.is(duration(2 * 86_400 + 4 * 3600), '2 d 4 h');
});

test('audit detail: times read as dates, other values as they are', (t) => {
  const at = Date.UTC(2026, 10, 29, 1, 57, 31);
  t.is(auditDetail({ batch: 'trial', count: 3, expiresAt: at }), `batch trial, count 3, expiresAt ${when(at)}`);
  t.not(when(at), String(at));
  t.is(auditDetail(undefined), '');
});
