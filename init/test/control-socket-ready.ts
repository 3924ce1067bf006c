/**
 * Waits until a host-run init listens on its control socket. startInit returns
 * before the init has created it, and a client that connects too early gets
 * ENOENT: on cores busy with other work that made the control tests hang.
 *
 *   const init = await startInit(spec);
 *   await controlSocketReady(init);
 */
import { existsSync } from 'node:fs';
import type { RunningInit } from './host-init.ts';

export async function controlSocketReady(init: RunningInit, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !existsSync(init.socket); ) {
    if (init.process.exitCode !== null) throw new Error(`the init exited (${init.process.exitCode}) before it listened on ${init.socket}\n${init.output()}`);
    if (Date.now() > deadline) throw new Error(`no control socket at ${init.socket} after ${timeoutMs} ms\n${init.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
