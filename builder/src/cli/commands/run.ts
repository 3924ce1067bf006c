import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from '../../build/build.ts';
import { buildOptions } from '../../build/options.ts';
import { runInteractive } from '../../qemu/index.ts';
import { terminalProgress } from '../progress.ts';

export interface RunFlags {
  out: string;
  arch?: string;
  forward?: string[];
  memory?: number;
  append?: string;
}

/** `imago run IMAGE`: boots a built folder, or builds a spec first; exits with QEMU's code. */
export async function runCommand(image: string, flags: RunFlags): Promise<void> {
  let dir = image;
  if ((await stat(image)).isFile()) {
    const options = buildOptions({ outDir: flags.out, arch: flags.arch ? [flags.arch] : undefined, progress: terminalProgress() });
    const [first] = await build(image, options);
    dir = first!.dir;
  } else if (!(await stat(join(image, 'manifest.json')).catch(() => undefined))) {
    throw new Error(`${image} is neither a spec file nor a built image folder (no manifest.json)`);
  }
  const forwards = (flags.forward ?? []).map((pair) => {
    const [host, guest] = pair.split(':').map(Number);
    return { host: host!, guest: guest! };
  });
  process.stderr.write(`booting ${dir} (Ctrl-A X quits QEMU)\n`);
  process.exitCode = await runInteractive(dir, { forwards, memoryMiB: flags.memory, appendCmdline: flags.append });
}
