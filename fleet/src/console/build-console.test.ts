import test from 'ava';
import { buildConsole } from './build-console.ts';
import { gzipBytes } from './console-files.ts';

test('the web console builds to index, script and style, the same bytes each time, with no build paths, under 150 KiB gzipped', async (t) => {
  const first = await buildConsole();
  const second = await buildConsole();
  t.deepEqual([...first.keys()].sort(), ['/', '/app.css', '/app.js']);
  for (const [path, file] of first) t.true(file.body.equals(second.get(path)!.body), `${path} differs between two builds`);
  const repository = new URL('../../../', import.meta.url).pathname;
  for (const [path, file] of first) t.false(file.body.toString('utf8').includes(repository), `${path} holds the build's path`);
  t.regex(first.get('/')!.body.toString('utf8'), /<script type="module" src="\/app\.js"><\/script>/);
  const size = gzipBytes(first);
  t.log(`everything the browser loads: ${(size / 1024).toFixed(1)} KiB gzipped (${[...first].map(([p, f]) => `${p} ${f.gzip.length} B`).join(', ')})`);
  t.true(size < 150 * 1024, `${size} bytes gzipped`);
});
