/**
 * The edge scenario is `images/edge.yml` itself plus the probe services of
 * `qemu-tests/edge/probe.yml`: the spec written to `out/qemu-tests/edge-spec/`
 * is the example with those services appended, so the test boots what users
 * get, not a copy that could drift from it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildTestImage } from './build-image.ts';
import type { FormatName } from '../builder/src/formats/registry.ts';

/**
 * Where the example needs a kernel built from kernel-config/: Debian's mipsel
 * kernel uses only 256 MiB of QEMU's malta RAM (no highmem), too little for
 * containerd and two images in RAM.
 */
const builtKernelArches = ['mipsel'];

/** Options of one build of the edge scenario. */
export interface EdgeScenarioOptions {
  /** Names the folders: the spec goes to `out/qemu-tests/<name>-spec/`, the image to `out/qemu-tests/<name>/`. Default edge. */
  name?: string;
  /** Top-level YAML added before the example's `containers:` (an `update:` section, say). */
  extra?: string;
  formats?: FormatName[];
}

/** Writes the combined spec and builds it for `arch`; returns the image folder. */
export async function buildEdgeScenario(arch: string, options: EdgeScenarioOptions = {}): Promise<string> {
  const name = options.name ?? 'edge';
  const specDir = join('out', 'qemu-tests', `${name}-spec`);
  await mkdir(specDir, { recursive: true });
  const spec = join(specDir, 'spec.yml');
  const extra = `${builtKernelArches.includes(arch) ? 'kernel: { build: true }\n' : ''}${options.extra ?? ''}`;
  const text = appendServices(await readFile('images/edge.yml', 'utf8'), await readFile(join('qemu-tests', 'edge', 'probe.yml'), 'utf8'));
  await writeFile(spec, extra ? text.replace(/^containers:$/m, `${extra}\ncontainers:`) : text);
  return buildTestImage(spec, { outDir: join('out', 'qemu-tests', name), arch: [arch], ...(options.formats ? { formats: options.formats } : {}) });
}

/**
 * Appends the service items of `extra` (a file whose one key is `services:`)
 * to `spec`, whose last top-level key must be `services:`. As text, not
 * parsed and re-printed: re-printing would turn `mode: 0755` (octal to imago)
 * into the decimal 755.
 */
export function appendServices(spec: string, extra: string): string {
  const lastKey = spec.split('\n').filter((line) => /^[a-z_]+:/.test(line)).pop();
  if (lastKey !== 'services:') throw new Error(`images/edge.yml: expected services: as the last top-level key, got ${lastKey}`);
  const items = extra.slice(extra.indexOf('\nservices:\n') + '\nservices:\n'.length);
  return `${spec.replace(/\n*$/, '\n')}${items}`;
}

/** Builds `images/edge.yml` as it is into `out/qemu-tests/<name>/` (for the reproducibility check). */
export async function buildEdgeExample(name: string, arch: string): Promise<string> {
  return buildTestImage('images/edge.yml', { outDir: join('out', 'qemu-tests', name), arch: [arch] });
}
