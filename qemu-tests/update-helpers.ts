/**
 * Helpers for the A/B update scenarios: build the scenario's spec in several
 * versions as raw disks, sign bundles, serve them to the guest over HTTP, and
 * run shell commands in the guest through the scenario's `nc -e /bin/sh`
 * service (a forwarded TCP port).
 */
import { createPrivateKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { createBundle } from '../builder/src/bundle/create-bundle.ts';
import { diskBootloader, ubootFirmwareFile } from '../builder/src/formats/raw/raw-boot.ts';
import { grubenvFile, readUbootEnv, ubootEnvFiles } from '../contract/index.ts';
import { boardEnvFormat, ubootBoard } from '../builder/src/uboot/index.ts';
import { run } from '../builder/src/io/exec.ts';
import { getTarget } from '../targets/index.ts';
import { buildTestImage } from './build-image.ts';

export const scenarioDir = join('qemu-tests', 'update');
/**
 * Where the variants, disks and bundles go; IMAGO_UPDATE_OUT moves it, so two
 * architectures' scenarios can run side by side without serving each other's
 * bundles (they share the file names).
 */
export const outRoot = process.env.IMAGO_UPDATE_OUT ?? join('out', 'qemu-tests', 'update');

/**
 * Builds the scenario spec with `edit` applied to its text, as a raw disk;
 * returns the image folder (suites skipped as build-image.ts says).
 */
export async function buildVariant(name: string, arch: string, edit: (text: string) => string): Promise<string> {
  const text = await readFile(join(scenarioDir, 'spec.yml'), 'utf8');
  const specs = join(outRoot, 'specs');
  await mkdir(specs, { recursive: true });
  const spec = join(specs, `${name}.yml`);
  // Key files are relative to the spec: point them back at the scenario folder.
  await writeFile(spec, edit(text).replace('test-keys/', `${resolve(scenarioDir, 'test-keys')}/`));
  return buildTestImage(spec, { outDir: join(outRoot, name), arch: [arch], formats: ['raw'] });
}

/** Signs the image folder with a key of qemu-tests/update/test-keys (or another key file) into `<out>/<file>`. */
export async function makeBundle(imageDir: string, file: string, keyFile = join(scenarioDir, 'test-keys', 'release.key')): Promise<string> {
  const { bytes } = await createBundle(imageDir, createPrivateKey(await readFile(keyFile, 'utf8')));
  const path = join(outRoot, 'bundles', file);
  await mkdir(join(outRoot, 'bundles'), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

/**
 * A fresh writable copy of a built disk. A U-Boot disk's firmware (u-boot.bin)
 * is copied beside it, where `bootDisk` looks for it.
 */
export async function freshDisk(imageDir: string, name: string): Promise<string> {
  const dir = join(outRoot, name);
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'disk.img');
  await copyFile(join(imageDir, 'disk.img'), path);
  if (existsSync(join(imageDir, ubootFirmwareFile))) await copyFile(join(imageDir, ubootFirmwareFile), join(dir, ubootFirmwareFile));
  return path;
}

/**
 * The ESP files holding the slot state on `arch`'s disks, relative to the
 * ESP: grubenv, or U-Boot's two environment copies.
 */
export function slotStateFiles(arch: string): readonly string[] {
  return diskBootloader(getTarget(arch)) === 'uboot' ? ubootEnvFiles : [grubenvFile];
}

/** Where the guest reaches this server: QEMU's user-mode network shows the host at 10.0.2.2. */
const serverFromGuest = { scheme: 'http', address: '10.0.2.2' };

/** Serves the files of `<outRoot>/bundles` over HTTP on a free port, for `imagoctl update` in the guest. */
export async function serveBundles(): Promise<{ server: Server; url: (file: string) => string }> {
  const server = createServer((request, response) => {
    readFile(join(outRoot, 'bundles', (request.url ?? '/').slice(1)))
      .then((data) => response.end(data))
      .catch(() => {
        response.statusCode = 404;
        response.end();
      });
  });
  await new Promise<void>((done) => server.listen(0, '0.0.0.0', done));
  const port = (server.address() as { port: number }).port;
  return { server, url: (file) => `${serverFromGuest.scheme}://${serverFromGuest.address}:${port}/${file}` };
}

/** Runs `command` in the guest's shell service; resolves with its output and exit code. */
export function guestShell(port: number, command: string, timeoutMs = 300_000): Promise<{ output: string; code: number }> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1');
    let output = '';
    const timer = setTimeout(() => {
      socket.destroy();
      fail(new Error(`guest command timed out: ${command}\n${output}`));
    }, timeoutMs);
    socket.on('data', (chunk) => {
      output += chunk.toString('utf8');
      const end = /__END__(\d+)/.exec(output);
      if (end) {
        clearTimeout(timer);
        socket.end();
        done({ output: output.slice(0, end.index), code: Number(end[1]) });
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (!/__END__/.test(output)) done({ output, code: -1 });
    });
    socket.write(`${command} 2>&1; echo __END__$?\n`);
  });
}

/** Waits until the guest's shell service answers. */
export async function waitForShell(port: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { code } = await guestShell(port, 'true', 5000);
      if (code === 0) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the guest shell service never answered');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * U-Boot's environment as U-Boot would load it from `disk` (its ESP at 1 MiB),
 * read with mtools while the guest is off; throws when no copy is valid.
 */
export async function ubootEnvOnDisk(disk: string, arch: string): Promise<Record<string, string>> {
  const copies = await Promise.all(
    ubootEnvFiles.map(async (name) => (await run('mtype', ['-i', `${disk}@@${1024 * 1024}`, `::${name}`], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } })).stdout),
  );
  const env = readUbootEnv(copies, boardEnvFormat(ubootBoard(arch)));
  if (!env.valid) throw new Error(`${disk}: neither copy of U-Boot's environment is valid`);
  return env.vars;
}
