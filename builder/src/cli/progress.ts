/**
 * Renders build progress on stderr: one line per step with its duration, and a
 * bar for steps that report a fraction (downloads, compiles) when stderr is a
 * terminal. In CI logs (no TTY) bars become occasional percentage lines.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { Progress } from '../progress.ts';

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let name = '';
  let started = 0;
  let bar: SingleBar | undefined;
  let lastPercent = -1;

  const stopBar = () => {
    bar?.stop();
    bar = undefined;
  };

  return {
    step(stepName) {
      stopBar();
      name = stepName;
      started = Date.now();
      lastPercent = -1;
      stream.write(`==> ${stepName}\n`);
    },
    update(done, total, detail) {
      if (total <= 0) return;
      if (tty) {
        if (!bar) {
          bar = new SingleBar({ format: '    [{bar}] {percentage}% {detail}', stream, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
          bar.start(total, 0, { detail: '' });
        }
        bar.setTotal(total);
        bar.update(done, { detail: detail ?? '' });
        return;
      }
      const percent = Math.floor((done / total) * 100);
      if (percent >= lastPercent + 25 || (done === total && lastPercent < 100)) {
        lastPercent = percent;
        stream.write(`    ${percent}%${detail ? ` ${detail}` : ''}\n`);
      }
    },
    detail(text) {
      if (!tty && !bar) stream.write(`    ${text}\n`);
    },
    warn(text) {
      stopBar();
      stream.write(`${text}\n`);
    },
    done(summary) {
      stopBar();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      stream.write(`    done: ${name} in ${seconds} s${summary ? ` (${summary})` : ''}\n`);
    },
  };
}
