/**
 * The spec texts the edge benchmark builds, derived from images/minimal.yml
 * and images/edge.yml so it measures what users get. Pure: text in, text out.
 * Edited as text, not parsed and re-printed: re-printing would turn
 * `mode: 0755` (octal to imago) into the decimal 755.
 *
 *   withBuiltKernel(minimalText);   // adds `kernel: { build: true }` after `version:`
 *   withBuiltKernel(minimalText, 'images/minimal.yml', ['/abs/containers.config']);   // kernel: { build: { config: [...] } }
 *   withMemoryProbes(edgeText);     // adds the two MemAvailable readings (see memoryProbeMarker) and the cgroups' (chargedProbeMarker)
 */
import { containerNamespace } from '../../builder/src/containers/names.ts';

/** Printed on the console before each MemAvailable reading; the stage says which one. */
export const memoryProbeMarker = 'BENCH-MEMAVAILABLE';

/** When a reading is taken: `boot` before any service (so before containerd), `healthy` once the broker is. */
export type MemoryStage = 'boot' | 'healthy';

const readingCommand = (stage: MemoryStage) => `echo "${memoryProbeMarker} ${stage} $(grep MemAvailable /proc/meminfo)"`;

/** Printed before the bytes the edge image's services and containers are charged once the broker is healthy. */
export const chargedProbeMarker = 'BENCH-CHARGED';

const healthyProbe = 'bench-memory-healthy';

/**
 * The sum of cgroup v2's memory.current over the init's services
 * (/sys/fs/cgroup/services) and containerd's containers (/sys/fs/cgroup/<namespace>),
 * less the probe's own group: what their processes use, the files they write
 * into RAM and their kernel memory. Unlike the MemAvailable drop, the kernel's
 * own bookkeeping does not enter it: with an lz4 or uncompressed initramfs
 * the kernel hands back tens of MB in the first seconds after /init starts
 * (measured on x86_64), which the boot reading misses and the drop subtracts.
 */
const chargedCommand = [
  `echo "${chargedProbeMarker} $(( $(cat /sys/fs/cgroup/services/memory.current)`,
  `+ $(cat /sys/fs/cgroup/${containerNamespace}/memory.current 2>/dev/null || echo 0)`,
  `- $(cat /sys/fs/cgroup/services/${healthyProbe}/memory.current) ))"`,
].join(' ');

/**
 * `spec` with `kernel: { build: true }`, for an architecture whose Debian
 * kernel cannot use the memory the edge image asks for (mipsel): minimal
 * and edge then share the built kernel. With `fragments` (absolute paths),
 * the kernel is built with those config fragments too: the minimal image
 * takes the ones the edge image's containers add, so both boot one kernel.
 * Throws when the spec already has a top-level `kernel:` (two would be a
 * YAML error, and the benchmark would no longer compare one kernel).
 */
export function withBuiltKernel(spec: string, file = 'spec', fragments: readonly string[] = []): string {
  if (topLevelKeys(spec).includes('kernel')) throw new Error(`${file}: kernel: already set; the benchmark adds kernel: { build: true } itself, expected no kernel: key`);
  const build = fragments.length === 0 ? 'true' : `{ config: [${fragments.map((path) => JSON.stringify(path)).join(', ')}] }`;
  return afterVersion(spec, `kernel: { build: ${build} }\n`, file);
}

/**
 * The edge spec plus two readings of MemAvailable on the console: an
 * onboot task (onboot tasks run before any service, so before containerd
 * and any image import) and a one-shot service that waits for the broker to
 * be healthy. Throws when the spec has its own `onboot:` or does not end
 * with `services:` (the two places the probes go).
 */
export function withMemoryProbes(spec: string, file = 'spec'): string {
  const keys = topLevelKeys(spec);
  if (keys.includes('onboot')) throw new Error(`${file}: onboot: already set; expected none, the benchmark adds its own onboot task`);
  if (keys.at(-1) !== 'services') throw new Error(`${file}: expected services: as the last top-level key, got ${keys.at(-1) ?? 'none'}`);
  const onboot = `onboot:\n  - name: bench-memory-boot\n    command: ${readingCommand('boot')}\n`;
  const service = [
    '  # Added by bench/edge.ts: MemAvailable once the broker is healthy.',
    `  - name: ${healthyProbe}`,
    '    depends_on: { broker: healthy }',
    '    restart: never',
    `    command: ${readingCommand('healthy')}; ${chargedCommand}`,
    '',
  ].join('\n');
  return `${afterVersion(spec, onboot, file).replace(/\n*$/, '\n')}\n${service}`;
}

/** The spec's top-level keys in order. */
export function topLevelKeys(spec: string): string[] {
  return spec.split('\n').flatMap((line) => /^([a-z_]+):/.exec(line)?.[1] ?? []);
}

function afterVersion(spec: string, text: string, file: string): string {
  const match = /^version:.*\n/m.exec(spec);
  if (!match) throw new Error(`${file}: expected a top-level version: line, found none`);
  const end = match.index + match[0].length;
  return `${spec.slice(0, end)}${text}${spec.slice(end)}`;
}
