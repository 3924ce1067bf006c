/**
 * Takes one image for a platform out of an archive a user pulled elsewhere:
 * an OCI archive (a tar of an OCI image layout, possibly multi-platform) or a
 * `docker save` tarball. The architecture is checked here, at build time, so a
 * wrong image fails the build rather than the device. Pure: the archive arrives
 * as a map of its files (see read-archive.ts).
 *
 *   const image = imageFromArchive(files, ociPlatform('arm64'), 'app.tar');
 */
import { blob, manifestFor, mediaTypes, type OciBlob, type OciImage } from './oci-image.ts';
import { formatPlatform, platformMatches, type OciPlatform } from './oci-platform.ts';

const indexTypes = [mediaTypes.index, 'application/vnd.docker.distribution.manifest.list.v2+json'];

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Partial<OciPlatform>;
}

interface ManifestJson {
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  manifests?: Descriptor[];
}

function parse<T>(data: Uint8Array | undefined, what: string, file: string): T {
  if (!data) throw new Error(`${file}: ${what} is missing from the archive`);
  try {
    return JSON.parse(Buffer.from(data).toString('utf8')) as T;
  } catch (error) {
    throw new Error(`${file}: ${what} is not valid JSON`, { cause: error });
  }
}

function platformOf(config: { os?: string; architecture?: string; variant?: string }): Partial<OciPlatform> {
  return { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
}

/** The blob of a descriptor from `blobs/<alg>/<hex>`; throws naming the digest when missing. */
function blobOf(files: ReadonlyMap<string, Uint8Array>, desc: Descriptor, file: string): OciBlob {
  const [alg, hex] = desc.digest.split(':');
  const data = files.get(`blobs/${alg}/${hex}`);
  if (!data) throw new Error(`${file}: blob ${desc.digest} is missing from the archive`);
  return { mediaType: desc.mediaType ?? mediaTypes.manifest, digest: desc.digest, data };
}

/** Every single-platform manifest reachable from an OCI layout's index.json, with its platform. */
function ociManifests(files: ReadonlyMap<string, Uint8Array>, file: string): { desc: Descriptor; platform: Partial<OciPlatform> }[] {
  const found: { desc: Descriptor; platform: Partial<OciPlatform> }[] = [];
  const walk = (descs: Descriptor[], depth: number) => {
    for (const desc of descs) {
      const data = blobOf(files, desc, file).data;
      const body = parse<ManifestJson>(data, `blob ${desc.digest}`, file);
      if (indexTypes.includes(desc.mediaType ?? body.mediaType ?? '') || body.manifests) {
        if (depth < 4) walk(body.manifests ?? [], depth + 1);
        continue;
      }
      const platform = desc.platform?.architecture ? desc.platform : platformOf(parse(blobOf(files, body.config, file).data, `config ${body.config.digest}`, file));
      // Build attestations (BuildKit) sit in indexes as unknown/unknown: not images.
      if (platform.architecture !== 'unknown') found.push({ desc, platform });
    }
  };
  walk(parse<{ manifests?: Descriptor[] }>(files.get('index.json'), 'index.json', file).manifests ?? [], 0);
  return found;
}

function wrongPlatform(file: string, have: Partial<OciPlatform>[], wanted: OciPlatform, arch: string): Error {
  const list = have.length > 0 ? have.map(formatPlatform).join(', ') : 'no images';
  return new Error(`${file}: has ${list}, but ${arch} needs ${formatPlatform(wanted)}. Use an archive of the ${formatPlatform(wanted)} image (e.g. pulled or saved with --platform ${formatPlatform(wanted)})`);
}

function fromOciLayout(files: ReadonlyMap<string, Uint8Array>, wanted: OciPlatform, file: string, arch: string): OciImage {
  const manifests = ociManifests(files, file);
  const match = manifests.find((m) => platformMatches(m.platform, wanted));
  if (!match) throw wrongPlatform(file, manifests.map((m) => m.platform), wanted, arch);
  const manifest = blobOf(files, match.desc, file);
  const body = parse<ManifestJson>(manifest.data, `manifest ${manifest.digest}`, file);
  return {
    platform: wanted,
    manifest,
    config: blobOf(files, { ...body.config, mediaType: body.config.mediaType ?? mediaTypes.config }, file),
    layers: body.layers.map((layer) => blobOf(files, layer, file)),
  };
}

function fromDockerSave(files: ReadonlyMap<string, Uint8Array>, wanted: OciPlatform, file: string, arch: string): OciImage {
  const entries = parse<{ Config: string; RepoTags?: string[]; Layers: string[] }[]>(files.get('manifest.json'), 'manifest.json', file);
  if (entries.length !== 1) {
    const names = entries.map((e) => e.RepoTags?.join(' ') || e.Config).join(', ');
    throw new Error(`${file}: holds ${entries.length} images (${names}); expected exactly one: save one image per archive`);
  }
  const entry = entries[0]!;
  const configData = files.get(entry.Config);
  const platform = platformOf(parse(configData, entry.Config, file));
  if (!platformMatches(platform, wanted)) throw wrongPlatform(file, [platform], wanted, arch);
  const layers = entry.Layers.map((path) => {
    const data = files.get(path);
    if (!data) throw new Error(`${file}: layer ${path} is missing from the archive`);
    // docker save writes uncompressed layers; their digest is then also their diff_id.
    return blob(data[0] === 0x1f && data[1] === 0x8b ? mediaTypes.layerGzip : mediaTypes.layerTar, data);
  });
  return manifestFor(wanted, blob(mediaTypes.config, configData!), layers);
}

/**
 * The image for `wanted` in an archive's files. `file` names the archive and
 * `arch` the imago architecture in messages. Throws when the archive is neither
 * format, lacks a blob, or has no image for the platform (listing what it has).
 */
export function imageFromArchive(files: ReadonlyMap<string, Uint8Array>, wanted: OciPlatform, file: string, arch: string): OciImage {
  if (files.has('index.json')) return fromOciLayout(files, wanted, file, arch);
  if (files.has('manifest.json')) return fromDockerSave(files, wanted, file, arch);
  throw new Error(`${file}: neither an OCI archive (no index.json) nor a docker save tarball (no manifest.json)`);
}
