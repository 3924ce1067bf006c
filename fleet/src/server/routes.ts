/**
 * The fleet server's whole route table: device routes as the contract names
 * them (contract/fleet-protocol.ts), operator routes as operator-routes.ts
 * documents them, and the web console's files and sign-in (fleet/src/console/).
 */
import { fleetPaths } from '../../../contract/index.ts';
import type { Route } from './context.ts';
import { activate, bundle, deviceLogs, poll } from './device-routes.ts';
import * as op from './operator-routes.ts';
import { consoleEvents } from '../console/events-route.ts';
import { currentSession, signIn, signOut } from '../console/sign-in-routes.ts';
import { consoleStatic } from '../console/static-route.ts';

export const routes: Route[] = [
  { method: 'POST', path: fleetPaths.activate, access: 'anyone', handle: activate },
  { method: 'POST', path: fleetPaths.poll, access: 'device', handle: poll },
  { method: 'POST', path: fleetPaths.logs, access: 'device', handle: deviceLogs },
  { method: 'GET', path: `${fleetPaths.bundles}:sha256`, access: 'device', handle: bundle },
  { method: 'GET', path: '/v1/devices', access: 'operator', handle: op.listDevices },
  { method: 'GET', path: '/v1/devices/:device', access: 'operator', handle: op.showDevice },
  { method: 'POST', path: '/v1/devices/:device/services/:service/:action', access: 'operator', handle: op.serviceAction },
  { method: 'GET', path: '/v1/devices/:device/services/:service/logs', access: 'operator', handle: op.operatorLogs },
  { method: 'POST', path: '/v1/devices/:device/reboot', access: 'operator', handle: op.reboot },
  { method: 'POST', path: '/v1/devices/:device/update', access: 'operator', handle: op.update },
  { method: 'POST', path: '/v1/devices/:device/revoke', access: 'operator', handle: op.revokeDevice },
  { method: 'POST', path: '/v1/bundles', access: 'operator', handle: op.uploadBundle },
  { method: 'GET', path: '/v1/commands/:command', access: 'operator', handle: op.showCommand },
  { method: 'GET', path: '/v1/batches', access: 'operator', handle: op.listBatches },
  { method: 'POST', path: '/v1/batches', access: 'operator', handle: op.createBatch },
  { method: 'POST', path: '/v1/batches/:batch/revoke', access: 'operator', handle: op.revokeBatch },
  { method: 'GET', path: '/v1/audit', access: 'operator', handle: op.listAudit },
  { method: 'GET', path: '/', access: 'anyone', handle: consoleStatic },
  { method: 'GET', path: '/app.js', access: 'anyone', handle: consoleStatic },
  { method: 'GET', path: '/app.css', access: 'anyone', handle: consoleStatic },
  { method: 'POST', path: '/console/sign-in', access: 'anyone', handle: signIn },
  { method: 'POST', path: '/console/sign-out', access: 'operator', handle: signOut },
  { method: 'GET', path: '/console/session', access: 'operator', handle: currentSession },
  { method: 'GET', path: '/console/events', access: 'operator', handle: consoleEvents },
];

export type RouteMatch = { route: Route; params: Record<string, string> } | { status: 404 | 405 };

/** The route for a method and path (no query); 404 for an unknown path, 405 for a known path with another method. */
export function matchRoute(method: string, path: string): RouteMatch {
  const segments = path.split('/');
  let pathMatched = false;
  for (const route of routes) {
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = pattern.every((part, i) => {
      const segment = segments[i]!;
      if (part.startsWith(':')) {
        params[part.slice(1)] = segment;
        return /^[A-Za-z0-9._@:-]{1,128}$/.test(segment);
      }
      return part === segment;
    });
    if (!fits) continue;
    if (route.method === method) return { route, params };
    pathMatched = true;
  }
  return { status: pathMatched ? 405 : 404 };
}
