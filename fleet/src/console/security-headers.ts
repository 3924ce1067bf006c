/**
 * Headers on every reply of the fleet server, for the browser: scripts,
 * styles and connections only from the server itself (no inline script, so
 * injected markup cannot run), no framing (clickjacking), no MIME sniffing,
 * no Referer leaving the console. The JSON API and devices ignore them.
 */
export const securityHeaders: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
