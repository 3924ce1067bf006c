import test from 'ava';
import type { ModuleConfig } from '../../../contract/index.ts';
import { FakeSys } from '../sys/fake.ts';
import { SysError } from '../sys/sys.ts';
import { ModuleLoader } from './module-loader.ts';

const module = (name: string): ModuleConfig => ({ name, path: `/lib/modules/test/${name}.ko` });

/** A FakeSys whose kernel answers finit_module with the errno given per module name. */
class ModuleSys extends FakeSys {
  constructor(private readonly failures: Record<string, { errno: number; reason: string }> = {}) {
    super();
  }
  override loadModule(path: string): void {
    super.loadModule(path);
    const failure = this.failures[path.replace(/^.*\//, '').replace(/\.ko$/, '')];
    if (failure) throw new SysError('load module', path, failure.errno, failure.reason);
  }
}

function setUp(failures?: Record<string, { errno: number; reason: string }>) {
  const sys = new ModuleSys(failures);
  const lines: string[] = [];
  const loader = new ModuleLoader(sys, { info: (message) => lines.push(message), warn: (message) => lines.push(`warning: ${message}`) });
  return { sys, lines, loader };
}

test('boot modules load in order and are counted once', (t) => {
  const { sys, lines, loader } = setUp();
  loader.load([module('virtio'), module('virtio_net')]);
  t.deepEqual(sys.kernel, ['load /lib/modules/test/virtio.ko', 'load /lib/modules/test/virtio_net.ko']);
  t.deepEqual(lines, ['loaded 2 kernel modules']);
});

test("a service's modules skip those loaded already, and the count names the service", (t) => {
  const { sys, lines, loader } = setUp();
  loader.load([module('llc')]);
  loader.load([module('llc'), module('stp'), module('bridge')], 'publisher');
  t.deepEqual(sys.kernel.slice(1), ['load /lib/modules/test/stp.ko', 'load /lib/modules/test/bridge.ko']);
  t.deepEqual(lines, ['loaded 1 kernel modules', 'loaded 2 kernel modules for publisher']);
});

test('nothing left to load: nothing is loaded and nothing logged', (t) => {
  const { sys, lines, loader } = setUp();
  loader.load([module('bridge')], 'publisher');
  loader.load([module('bridge')], 'publisher');
  loader.load([]);
  t.is(sys.kernel.length, 1);
  t.deepEqual(lines, ['loaded 1 kernel modules for publisher']);
});

test('a module built in (EEXIST) is fine; one that fails is a warning, once, and the rest still load', (t) => {
  const { sys, lines, loader } = setUp({ stp: { errno: 17, reason: 'File exists' }, bridge: { errno: 2, reason: 'No such file or directory' } });
  loader.load([module('stp'), module('bridge'), module('veth')], 'publisher');
  loader.load([module('bridge')], 'publisher');
  t.deepEqual(sys.kernel, ['stp', 'bridge', 'veth'].map((name) => `load /lib/modules/test/${name}.ko`));
  t.deepEqual(lines, ['warning: unable to load module bridge for publisher: No such file or directory', 'loaded 3 kernel modules for publisher']);
});
