/**
 * The compatible name the init is told (init.json's update.compatible) and the
 * spec problems an unusable `update.compatible` gets.
 */
import test from 'ava';
import type { InitConfig } from '../../../contract/index.ts';
import { parseSpec } from '../spec/parse.ts';
import { renderProblem } from '../spec/problem.ts';
import type { Spec } from '../spec/schema.ts';
import { Tree } from '../tree/tree.ts';
import { addUpdateConfig } from './update-config.ts';

function updateConfigOf(update: string, arch = 'x86_64') {
  const { spec, problems } = parseSpec(`version: 1\nname: gateway\nupdate:\n  keys: [release.pub]\n${update}`, 'gateway.yml');
  if (!spec) throw new Error(problems.map(renderProblem).join('\n'));
  const config = {} as InitConfig;
  addUpdateConfig(new Tree(), spec as Spec, config, { arch, keys: [] });
  return config.update!;
}

test('an image without update.compatible accepts bundles of its own name and architecture', (t) => {
  t.is(updateConfigOf('', 'aarch64').compatible, 'gateway-aarch64');
});

test('update.compatible is what the init is told, verbatim', (t) => {
  t.is(updateConfigOf('  compatible: acme-gateway\n').compatible, 'acme-gateway');
});

test('an update.compatible with spaces or capitals is refused, naming the field and what is expected', (t) => {
  const { problems } = parseSpec('version: 1\nname: gateway\nupdate:\n  keys: [release.pub]\n  compatible: Acme Gateway\n', 'gateway.yml');
  t.deepEqual(problems.map(renderProblem), ['gateway.yml:5:15: update.compatible: expected lowercase letters, digits, ".", "_" and "-", such as acme-gateway, got "Acme Gateway"']);
});
