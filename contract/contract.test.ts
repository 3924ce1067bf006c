import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The contract runs on Node (builder) and QuickJS (init) alike, so it may import
// nothing but its own files; and both sides reach it through its index only, so
// what is shared is exactly what index.ts lists.

const contractDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(contractDir, '..');

/** Every module specifier a TypeScript file names: static imports, re-exports and dynamic imports. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)) found.push(match[1]!);
  for (const match of source.matchAll(/\brequire\s*\(\s*['"]([^'"]+)['"]/g)) found.push(match[1]!);
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('node_modules'))
    .map((entry) => join(entry.parentPath, entry.name));
}

test('specifiers finds static, type, re-export and dynamic imports', (t) => {
  const source = `import * as os from 'os';\nimport type { A } from "./a.ts";\nexport * from './b.ts';\nconst m = await import('imago:native');\n`;
  t.deepEqual(specifiers(source), ['os', './a.ts', './b.ts', 'imago:native']);
});

test('the contract imports only its own files: no os, std, native module, Node built-in or package', (t) => {
  const modules = tsFiles(contractDir).filter((file) => !file.endsWith('.test.ts'));
  t.true(modules.length > 5);
  const bad = modules.flatMap((file) =>
    specifiers(readFileSync(file, 'utf8'))
      .filter((spec) => !spec.startsWith('./') || dirname(resolve(dirname(file), spec)) !== contractDir)
      .map((spec) => `${relative(repoRoot, file)} imports ${spec}`),
  );
  t.deepEqual(bad, []);
});

test('builder, init, tests and targets reach the contract through its index only', (t) => {
  const index = join(contractDir, 'index.ts');
  const users = ['builder', 'init', 'qemu-tests', 'bench', 'scripts', 'targets'].flatMap((dir) => tsFiles(join(repoRoot, dir)));
  const bad = users.flatMap((file) =>
    specifiers(readFileSync(file, 'utf8'))
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolve(dirname(file), spec))
      .filter((target) => target.startsWith(contractDir + '/') && target !== index)
      .map((target) => `${relative(repoRoot, file)} imports ${relative(repoRoot, target)}`),
  );
  t.deepEqual(bad, []);
});
