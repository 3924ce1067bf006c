/**
 * U-Boot's own environment tools, for the tests that check the init's
 * environment against them: mkenvimage (Debian's u-boot-tools) and
 * fw_printenv/fw_setenv (libubootenv-tool), both listed in
 * scripts/install-host-packages. Each works on a plain file named by a
 * fw_env.config, as it would on a block device.
 *
 *   const dir = scratchDir(t);
 *   const config = writeFwEnvConfig(dir, [[image, 0], [image, size]], size);
 *   fwSetenv(config, 'bootcount', '1');
 *   fwPrintenv(config);   // { bootcount: '1', ... }
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs a U-Boot tool and returns its output; throws with its stderr when it fails, and with what to install when it is missing. */
export function ubootTool(name: string, args: string[], input?: string): string {
  const result = spawnSync(name, args, { input, encoding: 'utf8' });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(`${name} is not installed (Debian's u-boot-tools and libubootenv-tool): run scripts/install-host-packages`);
  }
  if (result.status !== 0) throw new Error(`${name} ${args.join(' ')} failed (exit ${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** A temporary folder removed when the test ends. */
export function scratchDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'imago-uboot-env-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a fw_env.config with one line per copy ([path, offset]), sizes in hex as the tools read them. */
export function writeFwEnvConfig(dir: string, copies: [string, number][], size: number): string {
  const file = join(dir, 'fw_env.config');
  writeFileSync(file, copies.map(([path, offset]) => `${path} 0x${offset.toString(16)} 0x${size.toString(16)}\n`).join(''));
  return file;
}

/** Every variable fw_printenv reads through `config` (values must not hold newlines). */
export function fwPrintenv(config: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of ubootTool('fw_printenv', ['-c', config]).split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) vars[line.slice(0, at)] = line.slice(at + 1);
  }
  return vars;
}

/** fw_setenv: sets `name` to `value`, or deletes it when no value is given. */
export function fwSetenv(config: string, name: string, value?: string): void {
  ubootTool('fw_setenv', ['-c', config, name, ...(value === undefined ? [] : [value])]);
}

/** mkenvimage's image of `vars` (one copy of `size` bytes), with its extra flags (-r, -p 0x00, ...). */
export function mkenvimage(dir: string, vars: Record<string, string>, size: number, flags: string[] = []): string {
  const out = join(dir, `mkenvimage${flags.join('')}.img`);
  const text = Object.entries(vars).map(([name, value]) => `${name}=${value}\n`).join('');
  ubootTool('mkenvimage', ['-s', String(size), ...flags, '-o', out, '-'], text);
  return out;
}
