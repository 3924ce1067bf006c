/** Reads and checks the agent's config file; errors name the file, the field and what was expected. */
import type { FleetAgentConfig } from '../../../contract/index.ts';

export class AgentConfigError extends Error {
  override name = 'AgentConfigError';
}

export function parseAgentConfig(text: string | undefined, path: string): FleetAgentConfig {
  if (text === undefined) throw new AgentConfigError(`${path}: cannot be read`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AgentConfigError(`${path}: not valid JSON`);
  }
  if (typeof value !== 'object' || value === null) throw new AgentConfigError(`${path}: expected an object`);
  const o = value as Record<string, unknown>;
  const str = (v: unknown, field: string): string => {
    if (typeof v !== 'string' || v === '') throw new AgentConfigError(`${path}: ${field}: expected a non-empty string`);
    return v;
  };
  const server = (o.server ?? {}) as Record<string, unknown>;
  const port = server.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw new AgentConfigError(`${path}: server.port: expected a port from 1 to 65535`);
  if (o.identity !== 'persistent' && o.identity !== 'ephemeral') throw new AgentConfigError(`${path}: identity: expected persistent or ephemeral`);
  const wait = o.pollWaitSeconds;
  if (typeof wait !== 'number' || !Number.isInteger(wait) || wait < 0 || wait > 60) throw new AgentConfigError(`${path}: pollWaitSeconds: expected a whole number from 0 to 60`);
  const host = str(server.host, 'server.host');
  return {
    server: { host, port, name: server.name === undefined ? host : str(server.name, 'server.name') },
    caFile: str(o.caFile, 'caFile'),
    tokenFile: str(o.tokenFile, 'tokenFile'),
    identity: o.identity,
    stateDir: str(o.stateDir, 'stateDir'),
    image: str(o.image, 'image'),
    version: str(o.version, 'version'),
    arch: str(o.arch, 'arch'),
    pollWaitSeconds: wait,
  };
}
