/**
 * The output formats of `imago build`, in one table that also gives
 * `--format`'s choices and help. Every build writes the `initrd` format (kernel,
 * initramfs, cmdline, manifest); others are made from it.
 */
import type { Progress } from '../progress.ts';
import type { Spec } from '../spec/schema.ts';
import { efiBootFor } from './raw/firmware.ts';
import { buildRawDisk } from './raw/index.ts';

export interface FormatRequest {
  imageDir: string;
  spec: Spec;
  arch: string;
  epoch: number;
  progress: Progress;
}

export interface OutputFormat {
  description: string;
  /** Makes the format's files in the image folder; absent for the base format. */
  build?: (request: FormatRequest) => Promise<unknown>;
  /** Throws when the format cannot be made for an architecture: run before anything is built. */
  check?: (arch: string) => void;
}

export const formats = {
  initrd: { description: 'kernel, initrd.img, cmdline and manifest.json, booted directly by QEMU or a bootloader (always written)' },
  raw: { description: 'also disk.img: a flashable GPT disk with GRUB (UEFI), A/B slots and an ext4 data partition (x86_64, aarch64)', build: buildRawDisk, check: (arch: string) => void efiBootFor(arch) },
} satisfies Record<string, OutputFormat>;

export type FormatName = keyof typeof formats;
export const formatNames = Object.keys(formats) as FormatName[];

/** One line per format, for --help. */
export function formatHelp(): string {
  return formatNames.map((name) => `  ${name.padEnd(8)}${formats[name].description}`).join('\n');
}
