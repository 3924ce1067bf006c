/**
 * The init's JavaScript as QuickJS bytecode in C: PID 1 starts without
 * parsing any source, and the binary carries no separate script file that
 * could go missing.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../io/exec.ts';

/** The C name of the bytecode array; init/native/main.c declares it. */
export const bytecodeSymbol = 'init_bytecode';

/**
 * Compiles the init's ES module (from esbuild) to QuickJS bytecode with the host `qjsc`, as C
 * source that defines `init_bytecode` and `init_bytecode_size` (`qjsc -c`: no
 * main()). The module is named `init.js` whatever its real path, so the
 * output depends only on the JavaScript. `imago:native` is declared as a C
 * module so qjsc does not look for a file of that name.
 *
 *   const c = await compileBytecode({ qjsc, source: js });
 *
 * `stripDebug` drops line numbers from stack traces for a smaller binary.
 * Throws a CommandError with qjsc's syntax error when compiling fails.
 */
export async function compileBytecode(options: {
  qjsc: string | string[];
  source: string;
  stripDebug?: boolean;
  /** The program's name: the C symbol is `<name>_bytecode` and the module `<name>.js` (default `init`; the agent passes `agent`). */
  name?: string;
  /** C modules besides imago:native, as `module,cname` (the agent's `imago:tls,imago_tls`). */
  cModules?: string[];
}): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'imago-qjsc-'));
  const name = options.name ?? 'init';
  try {
    await writeFile(join(work, `${name}.js`), options.source);
    const modules = ['imago:native,imago_native', ...(options.cModules ?? [])].flatMap((module) => ['-M', module]);
    const args = ['-c', '-m', ...modules, '-N', `${name}_bytecode`, '-o', `${name}_bytecode.c`];
    if (options.stripDebug) args.push('-s');
    // A list is a command prefix, e.g. a target qjsc under QEMU user emulation (target-qjsc.ts).
    const [command, ...prefix] = typeof options.qjsc === 'string' ? [options.qjsc] : options.qjsc;
    await run(command!, [...prefix, ...args, `${name}.js`], { cwd: work });
    return await readFile(join(work, `${name}_bytecode.c`), 'utf8');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
