import { createInterface } from 'node:readline/promises';
import { flashImage } from '../../flash/flash-image.ts';
import { terminalProgress } from '../progress.ts';

/** Asks on the terminal (stderr, so stdout stays the report). */
async function ask(question: string): Promise<string> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
}

/** `imago flash IMAGE DEVICE [--yes] [--no-verify]`: writes a disk image to a card, disk or file and checks it. */
export async function flashCommand(image: string, device: string, flags: { yes?: boolean; verify: boolean }): Promise<void> {
  const report = await flashImage(image, device, {
    yes: flags.yes === true,
    verify: flags.verify,
    tty: process.stdin.isTTY === true && process.stderr.isTTY === true,
    ask,
    progress: terminalProgress(),
  });
  process.stdout.write(`${image}: sha256 ${report.imageSha256}\n`);
  if (report.readBackSha256) process.stdout.write(`${device}: sha256 ${report.readBackSha256} (read back, matches)\n`);
  else process.stdout.write(`${device}: written and synced, not read back (--no-verify)\n`);
}
