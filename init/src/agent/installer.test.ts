import test from 'ava';
import { createHash } from 'node:crypto';
import { FakeSys } from '../sys/fake.ts';
import { nodeHashing } from '../../test/node-hashing.ts';
import type { HttpResponse } from './http-message.ts';
import { bundleInstaller } from './installer.ts';
import type { RequestOptions, Transport } from './transport.ts';

const hashing = nodeHashing;

/** A server that streams `body` in 1000-byte pieces to onBody, as the TLS transport does. */
function streaming(body: Uint8Array, status = 200): Transport {
  return {
    async request(_request, options: RequestOptions): Promise<HttpResponse> {
      for (let at = 0; at < body.length; at += 1000) options.onBody!(body.subarray(at, at + 1000));
      return { status, reason: '', headers: new Map(), body: new Uint8Array(0) };
    },
  };
}

const bundle = new Uint8Array(10_000).map((_, i) => (i * 7) % 251);
const sha = createHash('sha256').update(bundle).digest('hex');
const identity = { cert: 'C', key: 'K' };

test('a bundle download goes to the file as it arrives, and is kept once its size and sha256 match', async (t) => {
  const sys = new FakeSys(hashing);
  sys.mkdirs('/data/fleet');
  await bundleInstaller(sys, streaming(bundle), identity).download(sha, bundle.length, '/data/fleet/b.imago');
  t.deepEqual(sys.readBytes('/data/fleet/b.imago'), bundle);
});

test('a download whose sha256, size or status is wrong leaves no file behind', async (t) => {
  const cases: [string, Transport, RegExp][] = [
    ['wrong bytes', streaming(bundle.map((b) => b ^ 1)), /expected sha256/],
    ['short', streaming(bundle.subarray(0, 9000)), /expected 10000 bytes, got 9000/],
    ['refused', streaming(new TextEncoder().encode('{"error":"no such bundle"}'), 404), /the server answered HTTP 404/],
  ];
  for (const [what, transport, message] of cases) {
    const sys = new FakeSys(hashing);
    sys.mkdirs('/data/fleet');
    await t.throwsAsync(bundleInstaller(sys, transport, identity).download(sha, bundle.length, '/data/fleet/b.imago'), { message }, what);
    t.false(sys.exists('/data/fleet/b.imago'), `${what}: the file is removed`);
  }
});
