import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type { Progress } from '../progress.ts';
import { run } from './exec.ts';

/**
 * Running gcc: its identity for cache keys, and many compiles in parallel.
 *
 *   const version = await compilerVersion('x86_64-linux-gnu-gcc');
 *   await compileAll('x86_64-linux-gnu-gcc', jobs, progress);
 */

const versions = new Map<string, Promise<string>>();

/** The first line of `<cc> --version` (memoised), e.g. `x86_64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0`. */
export function compilerVersion(cc: string): Promise<string> {
  let version = versions.get(cc);
  if (!version) {
    version = run(cc, ['--version']).then((r) => r.stdout.toString('utf8').split('\n')[0]!.trim());
    versions.set(cc, version);
  }
  return version;
}

/** One compiler invocation: `cc <flags> -c <source> -o <output>`. */
export interface CompileJob {
  source: string;
  output: string;
  flags: string[];
}

/**
 * Compiles every job with `cc`, as many at a time as the host has cores,
 * reporting each finished file to `progress`. Rejects with the first failure
 * (a CommandError carrying gcc's messages) after the running jobs end.
 */
export async function compileAll(cc: string, jobs: CompileJob[], progress: Progress): Promise<void> {
  let next = 0;
  let done = 0;
  let failure: unknown;
  progress.update(0, jobs.length);
  const worker = async () => {
    while (next < jobs.length && failure === undefined) {
      const job = jobs[next++]!;
      progress.detail(`${basename(cc)} ${basename(job.source)}`);
      try {
        await run(cc, [...job.flags, '-c', job.source, '-o', job.output]);
      } catch (error) {
        failure ??= error;
        return;
      }
      progress.update(++done, jobs.length, basename(job.source));
    }
  };
  const workers = Math.max(1, Math.min(availableParallelism(), jobs.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== undefined) throw failure;
}
