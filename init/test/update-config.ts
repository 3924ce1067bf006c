/**
 * An update configuration with a fresh signing key, as the builder writes one
 * into an image, for the update flow's unit tests on a FakeSys.
 */
import { generateKeys, parsePublicKey } from '../../builder/src/bundle/keys.ts';
import type { UpdateConfig } from '../../contract/index.ts';

/** The image's update config for `arch`, and the private key its bundles are signed with. */
export function testUpdateConfig(arch: string): { config: UpdateConfig; privatePem: string } {
  const keys = generateKeys();
  const config: UpdateConfig = {
    version: '1',
    arch,
    compatible: `demo-${arch}`,
    keys: [parsePublicKey(keys.publicLine, 'test.pub')],
    critical: [],
    commitAfterMs: 10_000,
    commitTimeoutMs: 60_000,
    tries: 3,
    espLabel: 'imago-esp',
    dataLabel: 'imago-data',
    dataMount: '/data',
  };
  return { config, privatePem: keys.privatePem };
}
