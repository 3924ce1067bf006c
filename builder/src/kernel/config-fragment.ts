/**
 * Kernel configuration fragments: parsing `CONFIG_X=y` / `# CONFIG_X is not set`
 * lines, and checking which requested options a finished `.config` lost. Pure.
 *
 *   const wanted = parseConfig(readFileSync('kernel-config/common.config', 'utf8'));
 *   const lost = droppedOptions(wanted, parseConfig(dotConfig));   // [] when all survived
 */

/** Symbol (without `CONFIG_`) → value as written: `y`, `m`, `n` (for "is not set"), a number or a quoted string. */
export type KernelConfig = Map<string, string>;

const assignment = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/;
const unset = /^# CONFIG_([A-Za-z0-9_]+) is not set$/;

/**
 * Parses a fragment or a `.config`. Later lines win, as in Kconfig. Comments and
 * blank lines are skipped; any other line throws naming its number, so a typo in
 * a fragment is not silently ignored.
 */
export function parseConfig(text: string, file = 'config'): KernelConfig {
  const config: KernelConfig = new Map();
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    const set = assignment.exec(line);
    if (set) {
      config.set(set[1]!, set[2]!);
      continue;
    }
    const off = unset.exec(line);
    if (off) {
      config.set(off[1]!, 'n');
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    throw new Error(`${file}:${index + 1}: expected CONFIG_NAME=value or "# CONFIG_NAME is not set", got ${JSON.stringify(line)}`);
  }
  return config;
}

/** Renders options as `.config` lines, appended after a base config (later lines override earlier ones). */
export function renderConfig(config: KernelConfig): string {
  return [...config].map(([name, value]) => (value === 'n' ? `# CONFIG_${name} is not set` : `CONFIG_${name}=${value}`)).join('\n') + '\n';
}

/** One requested option that `make olddefconfig` changed, with what it became. */
export interface DroppedOption {
  name: string;
  wanted: string;
  /** The resulting value; `n` when the option is absent or not set. */
  got: string;
}

/**
 * Returns every requested option whose value differs in the resulting config:
 * Kconfig silently drops options whose dependencies are missing. A requested
 * `n` is satisfied by an absent option.
 */
export function droppedOptions(requested: KernelConfig, result: KernelConfig): DroppedOption[] {
  const dropped: DroppedOption[] = [];
  for (const [name, wanted] of requested) {
    const got = result.get(name) ?? 'n';
    if (got !== wanted) dropped.push({ name, wanted, got });
  }
  return dropped;
}
