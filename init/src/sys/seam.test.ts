/**
 * The sys seam holds: only sys/quickjs.ts imports QuickJS's `os` and `std` and
 * our native module, so everything else runs on the fake sys in tests.
 */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('..', import.meta.url));
const allowed = new Set(['sys/quickjs.ts']);
/** This file names the modules in its examples. */
const self = 'sys/seam.test.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The runtime modules a file imports: static, re-exported, side-effect only or dynamic. */
function runtimeImports(text: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(os|std|imago:native)\1/g;
  return [...text.matchAll(pattern)].map((match) => match[2]!);
}

test('only sys/quickjs.ts imports os, std or imago:native', (t) => {
  const offenders = sources(src)
    .map((path) => ({ file: relative(src, path), modules: runtimeImports(readFileSync(path, 'utf8')) }))
    .filter(({ file, modules }) => modules.length > 0 && !allowed.has(file) && file !== self)
    .map(({ file, modules }) => `${file}: ${modules.join(', ')}`);
  t.deepEqual(offenders, [], 'go through Sys (sys/sys.ts) instead');
});

test('the check recognises every form of import', (t) => {
  t.deepEqual(runtimeImports(readFileSync(join(src, 'sys/quickjs.ts'), 'utf8')).sort(), ['imago:native', 'os', 'std']);
  t.deepEqual(runtimeImports(`import * as os from 'os';\nexport { exit } from "std";\nimport 'imago:native';\nawait import('os');`), ['os', 'std', 'imago:native', 'os']);
  t.deepEqual(runtimeImports(`import { x } from './os';\n// the os module\nconst std = 'std';`), []);
});
