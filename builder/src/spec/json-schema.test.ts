/**
 * The published JSON Schema, checked with a real validator (ajv): every spec
 * imago ships must pass it, it must agree with imago on sizes, and every
 * property must carry a description for editors to show.
 */
import test from 'ava';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { appendServices } from '../../../qemu-tests/edge-scenario.ts';
import { specJsonSchema } from './json-schema.ts';
import { parseSpec } from './parse.ts';

const root = new URL('../../../', import.meta.url).pathname;

function validator() {
  // ipv4 is checked by the pattern zod emits beside it; ajv knows no formats without a plugin.
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, formats: { ipv4: true } });
  return ajv.compile(specJsonSchema());
}

/** Every spec in the repository as an editor sees it: images/, bench/ and each qemu-tests scenario. */
async function shippedSpecs(): Promise<{ file: string; text: string }[]> {
  const files = [
    ...(await readdir(join(root, 'images'))).map((name) => join('images', name)),
    'bench/spec.yml',
    ...(await readdir(join(root, 'qemu-tests'), { recursive: true })).map((name) => join('qemu-tests', name)),
  ].filter((file) => /\.ya?ml$/.test(file));
  const specs = [];
  for (const file of files) {
    const text = await readFile(join(root, file), 'utf8');
    // probe.yml is only services, appended to images/edge.yml by the edge scenario: check what that boots.
    if (file === join('qemu-tests', 'edge', 'probe.yml')) {
      specs.push({ file: `images/edge.yml + ${file}`, text: appendServices(await readFile(join(root, 'images/edge.yml'), 'utf8'), text) });
    } else specs.push({ file, text });
  }
  return specs;
}

test('json schema: every shipped spec validates against the generated JSON Schema', async (t) => {
  const validate = validator();
  const specs = await shippedSpecs();
  t.true(specs.length >= 6, `found ${specs.map((s) => s.file).join(', ')}`);
  for (const { file, text } of specs) {
    const ok = validate(parse(text));
    t.true(ok, `${file}: ${JSON.stringify(validate.errors)}`);
  }
});

// Every value here is above qemu.memory's 32M minimum, which a string pattern cannot state.
test('json schema: sizes are accepted and refused as imago does, whatever the case of the unit', (t) => {
  const validate = validator();
  for (const memory of ['64M', '1G', '1g', '512MiB', '100M', '1.5G', '64X', 'M', '64 MB']) {
    const spec = { version: 1, name: 'x', qemu: { memory } };
    const imago = parseSpec(`version: 1\nname: x\nqemu: { memory: "${memory}" }\n`, 'x.yml').problems.length === 0;
    t.is(validate(spec), imago, `memory: ${memory}`);
  }
});

/** Every `properties` entry under `node`, with its JSON pointer. */
function* properties(node: unknown, pointer = ''): Generator<{ pointer: string; schema: Record<string, unknown> }> {
  if (node === null || typeof node !== 'object') return;
  for (const [key, child] of Object.entries(node)) {
    if (key === 'properties' && child && typeof child === 'object') {
      for (const [name, schema] of Object.entries(child)) yield { pointer: `${pointer}/properties/${name}`, schema: schema as Record<string, unknown> };
    }
    yield* properties(child, `${pointer}/${key}`);
  }
}

test('json schema: every property has a description', (t) => {
  const missing = [...properties(specJsonSchema())].filter(({ schema }) => typeof schema.description !== 'string' || schema.description === '').map(({ pointer }) => pointer);
  t.deepEqual(missing, []);
});
