/**
 * One cgroup v2 group per service, under /sys/fs/cgroup/services/<name>, so a
 * service's whole process tree can be limited (memory.max, cpu.max, pids.max)
 * and killed at once (cgroup.kill), not only its main process.
 */
import type { LimitsConfig } from '../../../contract/index.ts';
import type { Sys } from '../sys/sys.ts';

const controllers = ['cpu', 'memory', 'pids'];
/** cpu.max's period: quota = CPUs x period. */
const cpuPeriodUs = 100_000;

/** The limit files and their contents for a service. Pure. */
export function limitFiles(limits: LimitsConfig | undefined): [string, string][] {
  const files: [string, string][] = [];
  if (limits?.memoryBytes !== undefined) files.push(['memory.max', String(limits.memoryBytes)]);
  if (limits?.cpu !== undefined) files.push(['cpu.max', `${Math.max(1000, Math.round(limits.cpu * cpuPeriodUs))} ${cpuPeriodUs}`]);
  if (limits?.pids !== undefined) files.push(['pids.max', String(limits.pids)]);
  return files;
}

export class Cgroups {
  /** Whether the hierarchy could be set up; without it services still run, unlimited. */
  readonly available: boolean;

  constructor(
    private readonly sys: Sys,
    private readonly root: string,
    warn: (message: string) => void,
  ) {
    this.available = this.setUp(warn);
  }

  /** Creates (or reuses) the service's group with its limits; returns its path, or undefined without cgroups. */
  prepare(name: string, limits: LimitsConfig | undefined, warn: (message: string) => void): string | undefined {
    if (!this.available) return undefined;
    const path = `${this.root}/services/${name}`;
    try {
      this.sys.mkdirs(path, 0o755);
      for (const [file, value] of limitFiles(limits)) this.sys.writeText(`${path}/${file}`, value);
      return path;
    } catch (error) {
      warn(`unable to set up cgroup ${path}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** Kills every process in the group (cgroup.kill, Linux 5.14+). Returns false when that is not possible. */
  killAll(path: string | undefined): boolean {
    if (!path) return false;
    try {
      this.sys.writeText(`${path}/cgroup.kill`, '1');
      return true;
    } catch {
      return false;
    }
  }

  /** Whether any process is left in the group. */
  populated(path: string | undefined): boolean {
    if (!path) return false;
    return /populated 1/.test(this.sys.readText(`${path}/cgroup.events`) ?? '');
  }

  private setUp(warn: (message: string) => void): boolean {
    try {
      if (!this.sys.exists(`${this.root}/cgroup.controllers`)) return false;
      const available = (this.sys.readText(`${this.root}/cgroup.controllers`) ?? '').split(/\s+/);
      const wanted = controllers.filter((c) => available.includes(c));
      this.sys.mkdirs(`${this.root}/services`, 0o755);
      if (wanted.length > 0) {
        const enable = wanted.map((c) => `+${c}`).join(' ');
        this.sys.writeText(`${this.root}/cgroup.subtree_control`, enable);
        this.sys.writeText(`${this.root}/services/cgroup.subtree_control`, enable);
      }
      return true;
    } catch (error) {
      warn(`cgroups unavailable (services run without limits): ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
}
