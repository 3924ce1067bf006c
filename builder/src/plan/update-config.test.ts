/**
 * The compatible name the init is told (init.json's update.compatible) and the
 * spec problems an unusable `update.compatible` gets.
 */
import test from 'ava';
import { espMount, type InitConfig, ubootEnvFiles, ubootEnvFormat } from '../../../contract/index.ts';
import { parseFwEnvConfig } from '../../../init/src/update/uboot-env-config.ts';
import { getTarget } from '../../../targets/index.ts';
import { diskBootloader } from '../formats/raw/raw-boot.ts';
import { parseSpec } from '../spec/parse.ts';
import { renderProblem } from '../spec/problem.ts';
import type { Spec } from '../spec/schema.ts';
import { Tree } from '../tree/tree.ts';
import { fwEnvConfigFile } from '../uboot/fw-env-config.ts';
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

test('an image whose disk boots with U-Boot gets /etc/fw_env.config naming the two environment files on the ESP; a GRUB one does not', (t) => {
  const { spec } = parseSpec('version: 1\nname: gateway\nupdate:\n  keys: [release.pub]\n', 'gateway.yml');
  const uboot = new Tree();
  addUpdateConfig(uboot, spec as Spec, {} as InitConfig, { arch: 'armv7', keys: [], bootloader: 'uboot' });
  const entry = uboot.get(fwEnvConfigFile);
  t.like(entry, { kind: 'file', mode: 0o644 });
  const location = parseFwEnvConfig(new TextDecoder().decode(entry?.kind === 'file' ? entry.data : new Uint8Array()), fwEnvConfigFile);
  t.deepEqual(location, { copies: ubootEnvFiles.map((file) => ({ path: `${espMount}/${file}`, offset: 0 })), format: ubootEnvFormat });
  const grub = new Tree();
  addUpdateConfig(grub, spec as Spec, {} as InitConfig, { arch: 'x86_64', keys: [], bootloader: 'grub' });
  t.is(grub.get(fwEnvConfigFile), undefined);
});

test('armv7 and the four Malta targets keep their slot state for U-Boot, i386, x86_64 and aarch64 for GRUB', (t) => {
  t.deepEqual(
    ['i386', 'x86_64', 'armv7', 'aarch64', 'mips', 'mipsel', 'mips64', 'mips64el'].map((arch) => diskBootloader(getTarget(arch))),
    ['grub', 'grub', 'uboot', 'grub', 'uboot', 'uboot', 'uboot', 'uboot'],
  );
});
