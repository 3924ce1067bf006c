/**
 * OCI images in memory: blobs addressed by sha256, a config, a manifest, and
 * the OCI archive (a tar of an OCI image layout) that `ctr images import`
 * reads. Deterministic: the same layers and config give the same digests.
 *
 *   const image = assembleImage(ociPlatform('amd64'), { Entrypoint: ['/bin/app'] }, [layerTar], 0);
 *   const archive = await writeOciArchive(image, 'imago/app:latest', 0);
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { bytes, Tree } from '../tree/tree.ts';
import type { OciPlatform } from './oci-platform.ts';
import { writeTar } from './write-tar.ts';

export const mediaTypes = Object.freeze({
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
});

/** One content-addressed blob. */
export interface OciBlob {
  mediaType: string;
  /** `sha256:<hex>` of `data`. */
  digest: string;
  data: Uint8Array;
}

/** One single-platform image: its manifest, config and layers, all as blobs. */
export interface OciImage {
  platform: OciPlatform;
  manifest: OciBlob;
  config: OciBlob;
  layers: OciBlob[];
}

/** The `config` part of an image config that a built image sets (Docker/OCI field names). */
export interface ImageRunConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
}

/** `sha256:<hex>` of some bytes. */
export function sha256Digest(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A blob from bytes. */
export function blob(mediaType: string, data: Uint8Array): OciBlob {
  return { mediaType, digest: sha256Digest(data), data };
}

/** A descriptor (media type, digest, size) pointing at a blob. */
export function descriptor(target: OciBlob): { mediaType: string; digest: string; size: number } {
  return { mediaType: target.mediaType, digest: target.digest, size: target.data.length };
}

function json(value: unknown): Uint8Array {
  return bytes(JSON.stringify(value));
}

/**
 * Builds an image from uncompressed layer tars (lowest first), then writes
 * the config and manifest. `created` is SOURCE_DATE_EPOCH, so the config does
 * not change from build to build.
 *
 * Layers stay uncompressed unless `gzip` is set: the initramfs around them is
 * compressed as a whole anyway (compressing twice gains nothing), and the
 * device then imports without gunzipping, which is slow under emulation and
 * on small CPUs. With `gzip`, the layer digest is that of the gzip stream and
 * the diff_id that of the tar.
 */
export function assembleImage(platform: OciPlatform, run: ImageRunConfig, layerTars: readonly Uint8Array[], createdSeconds: number, options: { gzip?: boolean } = {}): OciImage {
  // Fixed level and no file name or time in the gzip header: the same tar always compresses to the same bytes.
  const layers = layerTars.map((tar) => (options.gzip ? blob(mediaTypes.layerGzip, gzipSync(tar, { level: 9 })) : blob(mediaTypes.layerTar, tar)));
  const created = new Date(createdSeconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
  const config = blob(
    mediaTypes.config,
    json({
      created,
      architecture: platform.architecture,
      ...(platform.variant ? { variant: platform.variant } : {}),
      os: platform.os,
      config: run,
      rootfs: { type: 'layers', diff_ids: layerTars.map(sha256Digest) },
      history: layerTars.map(() => ({ created, created_by: 'imago' })),
    }),
  );
  return manifestFor(platform, config, layers);
}

/** Writes the manifest of a config and layers (OCI media types). */
export function manifestFor(platform: OciPlatform, config: OciBlob, layers: OciBlob[]): OciImage {
  const manifest = blob(mediaTypes.manifest, json({ schemaVersion: 2, mediaType: mediaTypes.manifest, config: descriptor(config), layers: layers.map(descriptor) }));
  return { platform, manifest, config, layers };
}

/**
 * The OCI archive of one image: `oci-layout`, `index.json` naming the image
 * `ref` (containerd's `io.containerd.image.name`, plus the OCI ref name), and
 * every blob under `blobs/sha256/`, sorted, with fixed mtimes.
 */
export async function writeOciArchive(image: OciImage, ref: string, mtimeSeconds: number): Promise<Uint8Array> {
  const tree = new Tree();
  const file = (path: string, data: Uint8Array) => tree.add({ path, kind: 'file', mode: 0o644, data });
  file('oci-layout', json({ imageLayoutVersion: '1.0.0' }));
  const tag = ref.slice(ref.lastIndexOf(':') + 1);
  const index = {
    schemaVersion: 2,
    mediaType: mediaTypes.index,
    manifests: [{ ...descriptor(image.manifest), platform: image.platform, annotations: { 'io.containerd.image.name': ref, 'org.opencontainers.image.ref.name': tag } }],
  };
  file('index.json', json(index));
  for (const part of [image.manifest, image.config, ...image.layers]) file(`blobs/sha256/${part.digest.slice('sha256:'.length)}`, part.data);
  return writeTar(tree.entries(), mtimeSeconds);
}
