/**
 * What a build skipping Debian suites (`--skip-suite`) tells its user: loudly,
 * since an image without `bookworm-security` lacks security fixes.
 */

/** The warning printed once per skipped suite, before the build starts. */
export function skippedSuiteWarning(suite: string): string {
  return `WARNING: building WITHOUT the Debian suite ${suite} (--skip-suite): packages come without its updates` +
    `${suite.endsWith('-security') ? ', so known security fixes are missing' : ''}; manifest.json lists it under skippedSuites. rebuild without --skip-suite once the mirror has synced`;
}

