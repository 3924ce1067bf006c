/**
 * What the agent's logic needs from the world, narrowed from Sys so the Node
 * tests can hand it small fakes: files, the wall clock, waiting, and a log.
 */
import type { Files } from '../sys/sys.ts';

export type AgentFiles = Pick<Files, 'readText' | 'writeText' | 'exists' | 'rename' | 'remove' | 'mkdirs' | 'readBytes'>;

export interface AgentDeps {
  files: AgentFiles;
  /** Wall-clock ms since the epoch. */
  wallClock(): number;
  /** Resolves after `ms`; `wake` (when given) ends the wait early. */
  sleep(ms: number): Promise<void>;
  log(text: string): void;
  random(): number;
}

/** Writes `text` to a temp file beside `path` and renames it over, so a crash never leaves half a file. */
export function writeFileAtomic(files: AgentFiles, path: string, text: string, mode = 0o600): void {
  const temp = `${path}.tmp`;
  files.remove(temp);
  files.writeText(temp, text, mode);
  files.rename(temp, path);
}
