/**
 * The start and stop timeouts a service gets when its spec leaves them out
 * differ by kind (a native service, a container service, containerd and the
 * image import). What the build really fills in must be what the JSON Schema
 * and the README say, kind by kind.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { specJsonSchema } from '../cli/commands/schema.ts';
import { expandContainerServices } from '../containers/expand-services.ts';
import { addBaseLayout } from '../plan/base-layout.ts';
import { buildInitConfig } from '../plan/init-config.ts';
import { UserDatabase } from '../plan/users.ts';
import { Tree } from '../tree/tree.ts';
import { parseSpec } from './parse.ts';
import type { Spec } from './schema.ts';
import { timeoutsByKind } from './service-defaults.ts';
import { duration, formatDuration, formatSize } from './units.ts';

type Timeouts = { startTimeoutMs: number; stopTimeoutMs: number };
type Kind = 'service' | 'container service' | 'containerd' | 'containers-import';

/** What the build fills in for each kind: spec -> (container expansion) -> init.json. */
function effectiveTimeouts(): Record<Kind, Timeouts> {
  const { spec } = parseSpec(
    `version: 1
name: defaults
containers:
  - { name: box, archive: box.tar }
services:
  - { name: plain, command: sleep 1000 }
  - { name: boxed, image: box }
`,
    'defaults.yml',
  );
  const tree = new Tree();
  addBaseLayout(tree, 'defaults');
  const { config } = buildInitConfig(expandContainerServices(spec as Spec), new UserDatabase(tree), []);
  const of = (name: string): Timeouts => {
    const service = config.services.find((s) => s.name === name)!;
    return { startTimeoutMs: service.startTimeoutMs, stopTimeoutMs: service.stopTimeoutMs };
  };
  return { service: of('plain'), 'container service': of('boxed'), containerd: of('containerd'), 'containers-import': of('containers-import') };
}

const ms = (text: string): number => duration.parse(text);

test('the JSON Schema states the start and stop timeouts a native and a container service get', (t) => {
  const effective = effectiveTimeouts();
  const service = (specJsonSchema() as { properties: Record<string, { items: { properties: Record<string, { description: string }> } }> }).properties.services!.items.properties;
  for (const [field, key] of [['start_timeout', 'startTimeoutMs'], ['stop_timeout', 'stopTimeoutMs']] as const) {
    const description = service[field]!.description;
    const native = /Default (\S+?)[;.]/.exec(description)?.[1];
    const container = /(\S+) for a container service/.exec(description)?.[1];
    t.is(native && ms(native), effective.service[key], `${field}: "${description}" states the native default`);
    t.is(container && ms(container), effective['container service'][key], `${field}: "${description}" states the container default`);
  }
});

/** The README's defaults table: | setting | service | container service | containerd | containers-import |. */
function readmeTimeouts(): Record<string, Record<string, string>> {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const lines = readme.split('\n');
  const header = lines.findIndex((line) => /^\|\s*default\s*\|/i.test(line));
  if (header < 0) return {};
  const cells = (line: string) => line.split('|').slice(1, -1).map((cell) => cell.trim().replace(/`/g, ''));
  const kinds = cells(lines[header]!).slice(1);
  const table: Record<string, Record<string, string>> = {};
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [setting, ...values] = cells(line);
    table[setting!] = Object.fromEntries(kinds.map((kind, i) => [kind, values[i]!]));
  }
  return table;
}

test("the README's table of per-kind defaults matches what the build fills in", (t) => {
  const effective = effectiveTimeouts();
  const documented = readmeTimeouts();
  for (const [field, key] of [['start_timeout', 'startTimeoutMs'], ['stop_timeout', 'stopTimeoutMs']] as const) {
    for (const kind of Object.keys(effective) as Kind[]) {
      const text = documented[field]?.[kind];
      t.is(text && ms(text), effective[kind][key], `README: ${field} for ${kind} is documented as ${text}`);
    }
  }
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
  const containers = /`start_timeout` and `stop_timeout` default to (\S+) and (\S+) \(/.exec(readme);
  t.is(containers?.[1] && ms(containers[1]), effective['container service'].startTimeoutMs, 'the containers section states the start timeout');
  t.is(containers?.[2] && ms(containers[2]), effective['container service'].stopTimeoutMs, 'the containers section states the stop timeout');
});

test('the effective timeouts are the per-kind table', (t) => {
  const effective = effectiveTimeouts();
  t.deepEqual(effective.service, timeoutsByKind.service);
  t.deepEqual(effective['container service'], timeoutsByKind.container);
  t.deepEqual(effective.containerd, timeoutsByKind.containerd);
  t.deepEqual(effective['containers-import'], timeoutsByKind.containersImport);
});

test('durations and sizes are written as a spec would write them', (t) => {
  t.deepEqual([200, 2000, 60_000, 180_000, 600_000, 86_400_000, 1500].map(formatDuration), ['200ms', '2s', '60s', '3m', '10m', '1d', '1500ms']);
  t.deepEqual([1024 * 1024, 512 * 1024, 1000].map(formatSize), ['1M', '512K', '1000']);
  for (const ms of [200, 60_000, 180_000, 86_400_000, 1500]) t.is(duration.parse(formatDuration(ms)), ms);
});
