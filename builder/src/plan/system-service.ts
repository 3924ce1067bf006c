/**
 * The services the image adds on its own (DHCP, the time service, the fleet
 * agent): run by root, restarted always, never given up on. One place for
 * their common shape, so each module says only what is its own.
 */
import type { ServiceConfig } from '../../../contract/index.ts';
import { serviceDefaults } from '../spec/service-defaults.ts';

export const systemPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function systemService(name: string, command: string[], own: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    name,
    command,
    env: [`PATH=${systemPath}`],
    workdir: '/',
    uid: 0,
    gid: 0,
    groups: [],
    umask: serviceDefaults.umask,
    type: 'simple',
    dependsOn: [],
    restart: 'always',
    backoff: serviceDefaults.backoff,
    onFailed: 'stay',
    startTimeoutMs: serviceDefaults.startTimeoutMs,
    stopTimeoutMs: serviceDefaults.stopTimeoutMs,
    stopSignal: 'TERM',
    ...own,
  };
}
