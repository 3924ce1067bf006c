/**
 * The output formats of `imago build`, in one table that also gives
 * `--format`'s choices and help. Every build writes the `initrd` format (kernel,
 * initramfs, cmdline, manifest); others are made from it.
 */
import type { Target } from '../../../targets/index.ts';
import type { Progress } from '../progress.ts';
import type { SpecProblem, UnlocatedProblem } from '../spec/problem.ts';
import type { Spec } from '../spec/schema.ts';
import { rawBoot } from './raw/raw-boot.ts';
import { buildRawDisk } from './raw/index.ts';

export interface FormatRequest {
  imageDir: string;
  spec: Spec;
  target: Target;
  epoch: number;
  progress: Progress;
  /** Places a problem the spec caused (e.g. a slot too small) at its YAML node, for a SpecError. */
  locate: (problem: UnlocatedProblem) => SpecProblem;
}

export interface OutputFormat {
  description: string;
  /** Makes the format's files in the image folder; absent for the base format. */
  build?: (request: FormatRequest) => Promise<unknown>;
  /** Throws when the format cannot be made for an architecture: run before anything is built. */
  check?: (target: Target) => void;
}

export const formats = {
  initrd: { description: 'kernel, initrd.img, cmdline and manifest.json, booted directly by QEMU or a bootloader (always written)' },
  raw: { description: 'also disk.img: a flashable GPT disk with A/B slots and an ext4 data partition, booted by GRUB (UEFI: x86_64, aarch64; BIOS: i386) or U-Boot (armv7, mips, mipsel, mips64, mips64el; u-boot.bin beside it)', build: buildRawDisk, check: (target: Target) => void rawBoot(target) },
} satisfies Record<string, OutputFormat>;

export type FormatName = keyof typeof formats;
export const formatNames = Object.keys(formats) as FormatName[];

/** One line per format, for --help. */
export function formatHelp(): string {
  return formatNames.map((name) => `  ${name.padEnd(8)}${formats[name].description}`).join('\n');
}
