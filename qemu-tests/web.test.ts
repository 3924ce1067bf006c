/**
 * Boots images/web.yml (Debian's nginx as a native service) on x86_64 and
 * fetches its page from the host through a forwarded port: nginx runs as the
 * package's www-data user, with the /var folders, the enabled default site
 * and the configuration the package would have set up, and nothing written
 * by hand but the page.
 */
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import test from 'ava';
import { build } from '../builder/src/build/build.ts';
import { buildOptions } from '../builder/src/build/options.ts';
import { terminalProgress } from '../builder/src/cli/progress.ts';
import { freePort } from './free-port.ts';
import { TCG_TIMEOUTS, withImage } from './harness.ts';

const arch = 'x86_64';

/** The page's body from the host, retried while QEMU's forward is not yet answered (the guest may still be starting). */
async function fetchPage(port: number, path: string, ms: number): Promise<{ status: number; body: string; server: string | null }> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await get(port, path);
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`no answer for ${path} on port ${port} within ${ms / 1000} s`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** One HTTP GET of `path` from the forwarded loopback port. */
function get(port: number, path: string): Promise<{ status: number; body: string; server: string | null }> {
  return new Promise((resolve, reject) => {
    const request = httpGet({ host: '127.0.0.1', port, path, timeout: 10_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, server: String(response.headers.server ?? '') || null }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

test.serial(`${arch}: images/web.yml: Debian's nginx serves the page to the host through a forwarded port`, async (t) => {
  const [image] = await build('images/web.yml', buildOptions({ outDir: join('out', 'qemu-tests', 'web'), arch: [arch], progress: terminalProgress() }));
  const port = await freePort();
  await withImage(
    image!.dir,
    async (vm) => {
      await vm.expect(/init: nginx ready after \d+ ms/, TCG_TIMEOUTS.bootMs);
      const page = await fetchPage(port, '/', TCG_TIMEOUTS.expectMs);
      t.is(page.status, 200);
      t.regex(page.body, /Served by nginx on imago/, 'the page from images/web.yml');
      t.regex(page.server ?? '', /^nginx/);
      const missing = await fetchPage(port, '/missing', TCG_TIMEOUTS.expectMs);
      t.is(missing.status, 404, "the package's default site answers for other paths too");
      t.notRegex(vm.console.transcript(), /nginx: \[(emerg|alert)\]/, 'nginx reported no fatal configuration problem');
    },
    { test: t, forwards: [{ host: port, guest: 80 }] },
  );
});
