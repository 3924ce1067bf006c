/**
 * The device side of `fleet:`: the agent binary, the pinned CA and the
 * activation token, the agent's configuration (/etc/imago/fleet.json, read by
 * the agent, see contract/fleet-agent-config.ts) and the supervised service
 * `fleet-agent`, which starts once the clock is set (certificates cannot be
 * checked in 1970). Pure: it only adds files and a service.
 */
import { dataMount, fleetAgentConfigPath, fleetAgentPath, type FleetAgentConfig, type InitConfig, type ServiceConfig } from '../../../contract/index.ts';
import { defaultPollWaitSeconds, fleetServiceName, timeServiceName } from '../spec/fleet-defaults.ts';
import type { Spec } from '../spec/schema.ts';
import { bytes, type Tree } from '../tree/tree.ts';
import { systemService } from './system-service.ts';

export const fleetCaPath = '/etc/imago/fleet-ca.pem';
export const fleetTokenPath = '/etc/imago/fleet.token';
/** Kept across boots on the data partition; in RAM for an ephemeral identity. */
export const persistentFleetStateDir = `${dataMount}/imago/fleet`;
export const ephemeralFleetStateDir = '/run/imago/fleet';

/** What the fleet files need besides the spec: the agent for the target and the bytes of the spec's CA and token files. */
export interface FleetInputs {
  agent: Uint8Array;
  ca: Uint8Array;
  token: Uint8Array;
  arch: string;
}

/** The agent's configuration, every default resolved. */
export function fleetAgentConfig(spec: Spec, arch: string): FleetAgentConfig {
  const fleet = spec.fleet!;
  const identity = fleet.identity ?? 'persistent';
  return {
    server: { host: fleet.server.host, port: fleet.server.port, name: fleet.name ?? fleet.server.host },
    caFile: fleetCaPath,
    tokenFile: fleetTokenPath,
    identity,
    stateDir: identity === 'persistent' ? persistentFleetStateDir : ephemeralFleetStateDir,
    image: spec.name,
    version: spec.image_version ?? '0',
    arch,
    pollWaitSeconds: fleet.poll_wait ?? defaultPollWaitSeconds,
  };
}

/** The agent as a service: always restarted, started only once the time service has set the clock. */
export function fleetService(): ServiceConfig {
  // Root: it drives the control socket (restart, stop, reboot, updates) and writes its key on /data.
  return systemService(fleetServiceName, [fleetAgentPath, '--config', fleetAgentConfigPath], {
    umask: 0o077,
    dependsOn: [{ name: timeServiceName, condition: 'ready' }],
  });
}

/** Adds the agent, its files and its service when the spec has `fleet:`. */
export function addFleetAgent(tree: Tree, spec: Spec, config: InitConfig, inputs: FleetInputs | undefined): void {
  if (!spec.fleet) return;
  if (!inputs) throw new Error('the spec has fleet: but the build gave no agent binary, CA or token');
  tree.add({ path: fleetAgentPath, kind: 'file', mode: 0o755, data: inputs.agent });
  tree.add({ path: fleetCaPath, kind: 'file', mode: 0o644, data: inputs.ca });
  // The token activates devices into the fleet: root only, like the init's configuration.
  tree.add({ path: fleetTokenPath, kind: 'file', mode: 0o600, data: inputs.token });
  tree.add({ path: fleetAgentConfigPath, kind: 'file', mode: 0o644, data: bytes(`${JSON.stringify(fleetAgentConfig(spec, inputs.arch), null, 2)}\n`) });
  config.services.push(fleetService());
}
