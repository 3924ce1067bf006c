/**
 * Progress for steps of the init binary that run in parallel: one progress
 * line that sums theirs, instead of several lines overwriting each other.
 */
import type { Progress } from '../progress.ts';

/**
 * Lets several tasks that each report steps run in parallel under one step of
 * `parent`: their own steps become detail lines, and their update counts are
 * summed into one fraction.
 *
 *   parent.step('compile QuickJS');
 *   const [a, b] = shareProgress(parent, 2);
 *   await Promise.all([taskA(a), taskB(b)]);
 *   parent.done();
 */
export function shareProgress(parent: Progress, count: number): Progress[] {
  const counts = Array.from({ length: count }, () => ({ done: 0, total: 0 }));
  return counts.map((own) => ({
    step: (name) => parent.detail(name),
    update(done, total, detail) {
      own.done = done;
      own.total = total;
      const sum = counts.reduce((acc, c) => ({ done: acc.done + c.done, total: acc.total + c.total }), { done: 0, total: 0 });
      parent.update(sum.done, sum.total, detail);
    },
    detail: (text) => parent.detail(text),
    done: (summary) => {
      if (summary) parent.detail(summary);
    },
  }));
}
