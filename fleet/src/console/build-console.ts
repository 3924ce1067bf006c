/**
 * Builds the web console (console/ at the repository's top) into the files
 * `imago fleet serve` hands out: esbuild bundles the TypeScript and its CSS,
 * in memory, once per server start. Nothing is written or fetched, and the
 * same sources give the same bytes (no paths or times: minified output has
 * no file comments, and the working directory is fixed to the repository).
 *
 *   const files = await buildConsole();   // '/', '/app.js', '/app.css'
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { consoleFile, type ConsoleFiles } from './console-files.ts';

const repository = fileURLToPath(new URL('../../../', import.meta.url));
const consoleDir = fileURLToPath(new URL('../../../console/', import.meta.url));

export async function buildConsole(): Promise<ConsoleFiles> {
  const result = await build({
    absWorkingDir: repository,
    entryPoints: { app: `${consoleDir}src/main.tsx` },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: 'console-out',
    write: false,
    sourcemap: false,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const files: ConsoleFiles = new Map();
  files.set('/', consoleFile('text/html; charset=utf-8', await readFile(`${consoleDir}index.html`)));
  for (const output of result.outputFiles) {
    const name = output.path.slice(output.path.lastIndexOf('/'));
    files.set(name, consoleFile(name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8', Buffer.from(output.contents)));
  }
  return files;
}
