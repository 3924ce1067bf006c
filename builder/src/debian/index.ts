/**
 * Debian packages for images: host apt sources, private apt states, dependency
 * resolution, the .deb content cache, unpacking into a Tree, BusyBox applet links
 * and source packages.
 */
export { type AptSource, debianOnly, isDebianSuite, parseDeb822Sources, parseOneLineSources, readHostSources } from './host-sources.ts';
export { derivePrivateSources, type PrivateSource, type PrivateSourcesOptions, renderSources } from './private-sources.ts';
export { aptCache, aptGet, type AptState, type AptStateOptions, MirrorSyncError, openAptState, renderAptConf, updateAptState, updateFailureMessage } from './apt-state.ts';
export { binaryRelease, binaryStateName, openBinaryState, openSourceState } from './open-state.ts';
export { type AptUpdateVerdict, classifyAptUpdate, suiteOf } from './apt-update-output.ts';
export { aptRetryDelays, retryAptUpdate } from './apt-update-retry.ts';
export { skippableSuites, skippedSuites, withSkippedSuites } from './suite-selection.ts';
export { checkPackagesExist, findMissingPackages, missingPackageMessage, parseDebFilename, parsePrintUris, type PlannedDownload, type ResolvedPackage, resolvePackages, showPackage } from './resolve.ts';
export { debCacheDir, type DownloadedPackage, downloadPackages, fetchPackages, fileSha256 } from './download.ts';
export { type DebControl, readControl, type TarHeader, toEntry, unpackDeb } from './deb.ts';
export { addBusyboxLinks, busyboxApplets } from './busybox.ts';
export { type DebianSource, fetchDebianSource, type SourceOptions } from './source.ts';
export { parseControlRecords, parseDependsNames } from './control-fields.ts';
