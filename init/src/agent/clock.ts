/**
 * Before any TLS the clock must be right, or certificates cannot be checked:
 * the time service has set it (its marker file exists) and the year is not
 * before the fleet CA's. Pure apart from the deps.
 */
import type { AgentDeps } from './deps.ts';

export const clockSetMarker = '/run/imago/clock-set';
export const clockLogEveryMs = 30_000;

/** Why the clock cannot be trusted yet, or undefined when it can. */
export function clockProblem(markerExists: boolean, now: number, caNotBefore: number): string | undefined {
  if (!markerExists) return 'no time source answered yet';
  const year = new Date(now).getUTCFullYear();
  const caYear = new Date(caNotBefore).getUTCFullYear();
  if (year < caYear) return `the clock says ${year}, before the fleet CA was made (${caYear})`;
  return undefined;
}

/** Waits (checking each second) until the clock can be trusted, saying why once every 30 s. */
export async function waitForClock(deps: AgentDeps, marker: string, caNotBefore: number): Promise<void> {
  let lastLog = -Infinity;
  let waited = 0;
  for (;;) {
    const problem = clockProblem(deps.files.exists(marker), deps.wallClock(), caNotBefore);
    if (!problem) return;
    if (waited - lastLog >= clockLogEveryMs) {
      deps.log(`waiting for the clock: ${problem}; not activating, certificates cannot be checked`);
      lastLog = waited;
    }
    await deps.sleep(1000);
    waited += 1000;
  }
}
