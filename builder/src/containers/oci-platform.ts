/**
 * OCI platform names of the Debian architectures (Go's GOARCH, which is what
 * containerd on the device matches images against).
 *
 *   ociPlatform('armhf');   // { os: 'linux', architecture: 'arm', variant: 'v7' }
 */

export interface OciPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

const platforms: Record<string, Omit<OciPlatform, 'os'>> = {
  amd64: { architecture: 'amd64' },
  i386: { architecture: '386' },
  armhf: { architecture: 'arm', variant: 'v7' },
  arm64: { architecture: 'arm64' },
  mipsel: { architecture: 'mipsle' },
  mips64el: { architecture: 'mips64le' },
};

/** The platform of a Debian architecture; throws naming an architecture with no containers. */
export function ociPlatform(debianArch: string): OciPlatform {
  const platform = platforms[debianArch];
  if (!platform) throw new Error(`no OCI platform for Debian architecture ${debianArch}: expected one of ${Object.keys(platforms).join('|')}`);
  return { os: 'linux', ...platform };
}

/**
 * Go's names for the targets Debian has no architecture for, whose containerd
 * is built from source (runtime-from-source.ts): big-endian MIPS.
 */
const sourceOnlyPlatforms: Record<string, Omit<OciPlatform, 'os'>> = {
  mips: { architecture: 'mips' },
  mips64: { architecture: 'mips64' },
};

/** The platform containerd on `target` runs: by its Debian architecture, else by the target's name. */
export function targetPlatform(target: { name: string; debianArch?: string }): OciPlatform {
  if (target.debianArch) return ociPlatform(target.debianArch);
  const platform = sourceOnlyPlatforms[target.name];
  if (!platform) throw new Error(`no OCI platform for target ${target.name}: expected one with a Debian architecture, or one of ${Object.keys(sourceOnlyPlatforms).join('|')}`);
  return { os: 'linux', ...platform };
}

/** `linux/arm/v7` style, for messages. */
export function formatPlatform(platform: Partial<OciPlatform>): string {
  return [platform.os ?? '?', platform.architecture ?? '?', platform.variant].filter(Boolean).join('/');
}

/**
 * Whether an image's platform runs on `wanted`. A missing variant matches (most
 * arm64 images carry none); for 32-bit arm the variant must not be newer than v7.
 */
export function platformMatches(image: Partial<OciPlatform>, wanted: OciPlatform): boolean {
  if ((image.os ?? 'linux') !== wanted.os || image.architecture !== wanted.architecture) return false;
  if (wanted.architecture === 'arm' && image.variant) return ['v5', 'v6', 'v7'].includes(image.variant);
  return true;
}
