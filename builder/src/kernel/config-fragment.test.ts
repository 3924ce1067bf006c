import test from 'ava';
import { droppedOptions, parseConfig, renderConfig } from './config-fragment.ts';

test('parseConfig reads assignments and "is not set" lines; later lines win', (t) => {
  const config = parseConfig('# comment\nCONFIG_A=y\n\n# CONFIG_B is not set\nCONFIG_C="x y"\nCONFIG_A=m\n');
  t.deepEqual([...config], [['A', 'm'], ['B', 'n'], ['C', '"x y"']]);
});

test('parseConfig rejects a line that is neither, naming file and line', (t) => {
  t.throws(() => parseConfig('CONFIG_A=y\nCONFIG_B y\n', 'mips.config'), { message: /^mips\.config:2: expected CONFIG_NAME=value/ });
});

test('renderConfig round-trips', (t) => {
  const config = parseConfig('CONFIG_A=y\n# CONFIG_B is not set\n');
  t.deepEqual(parseConfig(renderConfig(config)), config);
});

test('droppedOptions lists options olddefconfig changed; absent satisfies "not set"', (t) => {
  const requested = parseConfig('CONFIG_A=y\nCONFIG_B=y\n# CONFIG_C is not set\nCONFIG_D=y\n');
  const result = parseConfig('CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_D=m\n');
  t.deepEqual(droppedOptions(requested, result), [
    { name: 'B', wanted: 'y', got: 'n' },
    { name: 'D', wanted: 'y', got: 'm' },
  ]);
});
