/**
 * Reads and builds what the spec's `time:` and `fleet:` sections need in the
 * image: the ntpd-only BusyBox (Debian builds BusyBox without ntpd), and for
 * the fleet the agent binary for the target and the CA and token files.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { buildBusybox } from '../busybox/build-busybox.ts';
import { BuildError, step } from '../errors.ts';
import { sha256 } from '../io/cache.ts';
import type { FleetInputs } from '../plan/fleet-agent.ts';
import type { Progress } from '../progress.ts';
import { usesTime } from '../spec/fleet-defaults.ts';
import { parseFleetCa, parseFleetToken } from '../spec/fleet-files.ts';
import type { LoadedSpec } from '../spec/load.ts';
import type { Spec } from '../spec/schema.ts';
import type { CompileGate } from './build-image.ts';
import type { Manifest } from './manifest.ts';

/** Builds the agent binary for a target (builder/src/agent-binary/, from the TLS side). */
export type AgentBuilder = (target: Target, progress: Progress) => Promise<Uint8Array>;

/** The ntpd binary and what the manifest records of it, or nothing when the spec does not set the clock. */
export async function timeDaemonInput(spec: Spec, target: Target, progress: Progress, compile: CompileGate): Promise<{ binary: Uint8Array; manifest: NonNullable<Manifest['timeDaemon']> } | undefined> {
  if (!usesTime(spec)) return undefined;
  const built = await step(`build ntpd (BusyBox) for ${target.name}`, () => compile(() => buildBusybox(target, { progress, applets: 'ntpd' })));
  return { binary: built.binary, manifest: { sourcePackage: 'busybox', version: built.version, sha256: sha256(built.binary) } };
}

async function readSpecFile(dir: string, file: string, field: string): Promise<Uint8Array> {
  try {
    return await readFile(resolve(dir, file));
  } catch (error) {
    throw new BuildError(`${field}: failed to read ${file} (relative to ${dir})`, { cause: error });
  }
}

/**
 * The fleet inputs, or undefined without `fleet:`. loadSpec checked the CA
 * and the token already; they are checked again here, as read, so a file
 * changed since fails naming it instead of making an image that cannot join.
 */
export async function fleetInputs(loaded: LoadedSpec & { spec: Spec }, target: Target, progress: Progress, buildAgent: AgentBuilder, compile: CompileGate): Promise<FleetInputs | undefined> {
  const fleet = loaded.spec.fleet;
  if (!fleet) return undefined;
  const ca = await readSpecFile(loaded.dir, fleet.ca, 'fleet.ca');
  const token = await readSpecFile(loaded.dir, fleet.token, 'fleet.token');
  try {
    parseFleetCa(new TextDecoder().decode(ca), fleet.ca);
    parseFleetToken(new TextDecoder().decode(token), fleet.token);
  } catch (error) {
    throw new BuildError((error as Error).message);
  }
  const agent = await step(`build the fleet agent for ${target.name}`, () => compile(() => buildAgent(target, progress)));
  return { agent, ca, token, arch: target.name };
}
