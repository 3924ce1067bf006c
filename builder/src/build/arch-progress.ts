/**
 * Progress for one of several architectures built in parallel: every step and
 * line is tagged with the architecture, so interleaved output stays readable.
 */
import type { Progress } from '../progress.ts';

/** Wraps `base` so steps read `[mips64] build kernel ...`. */
export function archProgress(base: Progress, arch: string): Progress {
  const tag = `[${arch}]`;
  return {
    step: (name) => base.step(`${tag} ${name}`),
    update: (done, total, detail) => base.update(done, total, detail ? `${tag} ${detail}` : tag),
    detail: (text) => base.detail(`${tag} ${text}`),
    done: (summary) => base.done(summary ? `${tag} ${summary}` : tag),
    warn: (text) => base.warn?.(`${tag} ${text}`),
  };
}
