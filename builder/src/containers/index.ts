/**
 * Containers in imago images: OCI images built from Debian packages or read
 * from archives, stored in the image, imported into containerd at boot, and
 * run by supervised `ctr run` services.
 */
export { addContainerRuntime } from './add-runtime.ts';
export { imageFromArchive } from './archive-image.ts';
export { planContainerTree } from './container-tree.ts';
export { buildDebianImage } from './debian-image.ts';
export { ctrRunArgs, expandContainerServices } from './expand-services.ts';
export { containerHostPackages, containerKernelFragments, containerKernelModules } from './host-support.ts';
export { type ContainerManifestEntry, type ImageContainers, imageContainers, type StoredImage } from './image-containers.ts';
export { containerNamespace, imageRef, storedImagePath, usesContainers } from './names.ts';
export { assembleImage, type OciBlob, type OciImage, writeOciArchive } from './oci-image.ts';
export { formatPlatform, ociPlatform, platformMatches } from './oci-platform.ts';
export { readTarFiles } from './read-archive.ts';
export { writeTar } from './write-tar.ts';
