/**
 * Looks up the programs a build needs (required-tools.ts) on PATH and fails
 * with one message naming every missing one and its Debian package, before the
 * build downloads or compiles anything.
 *
 *   await checkTools(requiredTools(spec, targets, options));   // throws BuildError listing what is missing
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { BuildError } from '../errors.ts';
import type { RequiredTool } from './required-tools.ts';

/** Whether `command` is an executable file in one of the PATH folders. */
export async function onPath(command: string, path: string | undefined): Promise<boolean> {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, command);
    const found = await stat(file).catch(() => undefined);
    if (found?.isFile() && (await access(file, constants.X_OK).then(() => true, () => false))) return true;
  }
  return false;
}

/** The tools of `tools` that are not on PATH, in the same order. */
export async function missingTools(tools: readonly RequiredTool[], path = process.env.PATH): Promise<RequiredTool[]> {
  const present = await Promise.all(tools.map((tool) => onPath(tool.command, path)));
  return tools.filter((_, i) => !present[i]);
}

/** The message for missing tools: one line per program, then the one apt-get line that installs them all. */
export function missingToolsMessage(missing: readonly RequiredTool[]): string {
  const width = Math.max(...missing.map((tool) => tool.command.length));
  const lines = missing.map((tool) => `  ${tool.command.padEnd(width)}  (Debian package ${tool.package}): ${tool.why}`);
  const packages = [...new Set(missing.map((tool) => tool.package))].join(' ');
  return `missing host programs for this build (nothing was downloaded or built):\n${lines.join('\n')}\ninstall them with: apt-get install ${packages}`;
}

/** Throws a BuildError naming every tool of `tools` missing from PATH. */
export async function checkTools(tools: readonly RequiredTool[], path = process.env.PATH): Promise<void> {
  const missing = await missingTools(tools, path);
  if (missing.length > 0) throw new BuildError(missingToolsMessage(missing));
}
