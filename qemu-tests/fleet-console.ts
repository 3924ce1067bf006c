/**
 * The web console in a real browser: Debian's Chromium, headless, driven by
 * playwright-core (nothing downloads a browser), against a running
 * `imago fleet serve` and real devices (two QEMU guests in the fleet test,
 * host agents on real inits in fleet/test/console-browser.test.ts).
 *
 *   await checkConsole({ fleetDir: fleet.dir, serverPort: fleet.port, devices: [a, b], ticker: 'ticker',
 *     screenshots: 'out/qemu-tests/console', log: t.log });
 *
 * It makes its own password operator with the CLI, then, as that operator:
 * a wrong password is refused; sign-in; both devices listed and online; a
 * service's log followed until new lines arrive (paused, searched); the
 * service restarted and its restart count seen rising; actions without a
 * session and with a wrong CSRF token refused, with nothing done; a device
 * rebooted, seen going away and coming back; optionally updated from an
 * uploaded bundle to its outcome; a batch created (token shown
 * once) and revoked; the audit log; sign-out. axe-core checks every page
 * (no serious or critical violation) and each page is saved as a PNG.
 * Any failed check throws, naming the step.
 *
 * The browser trusts the fleet's server certificate by its key alone
 * (--ignore-certificate-errors-spki-list with the key's sha256), not by
 * ignoring certificate errors in general.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export interface ConsoleCheckOptions {
  /** The fleet folder (`imago fleet init`): the operator is added there, and its server certificate is pinned. */
  fleetDir: string;
  /** The port `imago fleet serve` listens on at 127.0.0.1. */
  serverPort: number;
  /** Ids of activated devices the console must list as online; the first one is restarted, followed and rebooted. */
  devices: string[];
  /** A service on devices[0] that prints a line every few seconds. */
  ticker: string;
  /** Folder for the pages' screenshots (made if missing). */
  screenshots: string;
  log: (line: string) => void;
  /**
   * Reboot devices[0] and see it go away and come back (default true). An
   * init that is not PID 1 (on the build host) exits instead of rebooting:
   * `bringBack` then starts it again, as the machine would.
   */
  reboot?: boolean | { bringBack: (deviceId: string) => Promise<void> };
  /** How long a reboot may take to come back (default 240 s). */
  rebootTimeoutMs?: number;
  /**
   * Update devices[0] from this bundle file through the console's upload and
   * see the outcome: committed, rolled back, or refused (a device that cannot
   * install, such as an agent on the build host). Skipped when absent.
   */
  update?: { bundle: string; expect: 'committed' | 'rolled-back' | 'refused'; timeoutMs?: number };
  /** Revoke the last of `devices` from its page at the end and see it marked revoked (default false: the device is lost to the fleet). */
  revokeLast?: boolean;
  /** Debian's Chromium unless given. */
  chromiumPath?: string;
}

export interface ConsoleCheckResult {
  /** Each page's screenshot, by page. */
  screenshots: Record<string, string>;
  /** axe-core's violations of minor and moderate impact, by page (serious and critical ones fail the check). */
  minorViolations: Record<string, string[]>;
}

const imago = resolve('bin', 'imago');
const require = createRequire(import.meta.url);

/** Runs the real CLI; throws with its output when it fails. */
function cli(args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(imago, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done(output) : fail(new Error(`imago ${args.join(' ')} exited ${code}: ${output}`))));
  });
}

/** base64 sha256 of the certificate's public key (SubjectPublicKeyInfo): what Chromium's SPKI list pins. */
export function spkiPin(certificatePem: string): string {
  const spki = new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** Polls `check` until it returns a value other than undefined; throws naming `what` after `timeoutMs`. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`console: timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`console: ${what}`);
}

/** Runs axe-core in the page; serious or critical violations throw, the rest are returned as "id: help (n)". */
async function audit(page: Page, name: string): Promise<string[]> {
  // Through the DevTools protocol, which the page's CSP (no inline script) does not govern.
  await page.evaluate(await readFile(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`,
  )) as { id: string; impact: string; help: string; targets: string[] }[];
  const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(grave.length === 0, `axe-core on the ${name} page: ${grave.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.targets.join(', ')}`).join('; ')}`);
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.join(', ')})`);
}

/** The status and body of a fetch made by the page itself (its cookies, its origin). */
async function pageFetch(page: Page, method: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return (await page.evaluate(
    `fetch(${JSON.stringify(path)}, { method: ${JSON.stringify(method)}, headers: ${JSON.stringify(headers)}, credentials: 'same-origin' }).then(async (r) => ({ status: r.status, body: await r.text() }))`,
  )) as { status: number; body: string };
}

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent({ timeout: 5000 })) ?? '').trim();
}

export async function checkConsole(options: ConsoleCheckOptions): Promise<ConsoleCheckResult> {
  const { log, devices, ticker } = options;
  const [first] = devices;
  check(first !== undefined, 'checkConsole needs at least one device');
  const operator = `web-${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  const secrets = await mkdtemp(join(tmpdir(), 'imago-console-check-'));
  const result: ConsoleCheckResult = { screenshots: {}, minorViolations: {} };
  await mkdir(options.screenshots, { recursive: true });
  let browser: Browser | undefined;
  try {
    await writeFile(join(secrets, 'password'), `${password}\n`, { mode: 0o600 });
    await cli(['fleet', 'operator', 'add', operator, '--fleet', options.fleetDir, '--password-file', join(secrets, 'password'), '--out', join(secrets, 'profile.json')]);
    log(`console: operator ${operator} added with a password`);

    const pin = spkiPin(await readFile(join(options.fleetDir, 'server.pem'), 'utf8'));
    browser = await chromium.launch({
      executablePath: options.chromiumPath ?? '/usr/bin/chromium',
      // Chromium refuses to run as root with its sandbox (CI runs as root).
      args: [`--ignore-certificate-errors-spki-list=${pin}`, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    });
    log(`console: Chromium ${browser.version()}, trusting only the server key ${pin}`);
    // Built from parts: the project writes no URLs, only host:port.
    const origin = `${'https'}:${'//'}127.0.0.1:${options.serverPort}`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const shot = async (name: string) => {
      const file = join(options.screenshots, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      result.screenshots[name] = file;
    };
    const checkPage = async (name: string) => {
      result.minorViolations[name] = await audit(page, name);
      await shot(name);
      log(`console: ${name} page: no serious or critical axe-core violation${result.minorViolations[name]!.length ? ` (others: ${result.minorViolations[name]!.join('; ')})` : ''}; screenshot saved`);
    };

    // Sign-in page; a wrong password first.
    await page.goto(`${origin}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await checkPage('sign-in');
    await page.getByLabel('Operator').fill(operator);
    await page.getByLabel('Password').fill(`${password}-wrong`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await until('the wrong password to be refused', async () => ((await text(page, '[role=alert]')) === 'Wrong operator name or password.' ? true : undefined));
    check((await context.cookies()).length === 0, 'a refused sign-in set a cookie');
    log('console: a wrong password is refused, and no cookie is set');

    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Devices' }).waitFor();
    const [cookie] = await context.cookies();
    check(cookie?.httpOnly === true && cookie.secure && cookie.sameSite === 'Strict', `the session cookie's flags: ${JSON.stringify(cookie)}`);
    log('console: signed in (HttpOnly, Secure, SameSite=Strict cookie)');

    // Every device listed and online, updated live.
    for (const id of devices) await until(`device ${id} listed online`, async () => ((await text(page, `tr[data-device="${id}"] .badge`)) === 'online' ? true : undefined), 60_000);
    log(`console: fleet page lists ${devices.join(', ')}, all online`);
    // The page put the focus on its heading (as a page load would); Tab goes on to the search, with a visible ring.
    await page.keyboard.press('Tab');
    const focused = (await page.evaluate(`(() => { const e = document.activeElement; return { id: e.id, outline: getComputedStyle(e).outlineStyle } })()`)) as { id: string; outline: string };
    check(focused.id === 'device-search' && focused.outline !== 'none', `Tab from the heading should show the focused search box, got ${JSON.stringify(focused)}`);
    await checkPage('fleet');
    await page.setViewportSize({ width: 390, height: 844 });
    const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    check(width <= 390, `at phone width (390 px) the fleet page is ${width} px wide`);
    await shot('fleet-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // One device: follow the ticker's log until new lines arrive.
    await page.locator(`tr[data-device="${first}"] a`).click();
    await page.locator(`tr[data-service="${ticker}"]`).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: `logs of ${ticker}` }).click();
    const lineCount = async () => page.locator('.log .log-line').count();
    const lastLine = async () => ((await page.locator('.log .log-line').last().textContent()) ?? '').trim();
    const firstSeen = await until(`lines of ${ticker}'s log`, async () => ((await lineCount()) > 0 ? lastLine() : undefined), 60_000);
    const newLine = await until(`a new line in ${ticker}'s log after ${JSON.stringify(firstSeen)}`, async () => {
      const line = await lastLine();
      return line !== firstSeen ? line : undefined;
    }, 60_000);
    log(`console: ${ticker}'s log follows: ${JSON.stringify(firstSeen)} then ${JSON.stringify(newLine)}`);
    await page.getByRole('button', { name: 'Pause' }).click();
    const frozen = await lineCount();
    await until('lines held while paused', async () => ((await page.getByRole('button', { name: /^Resume \(\d+ new\)$/ }).count()) > 0 ? true : undefined), 60_000);
    check((await lineCount()) === frozen, 'the paused log view still grew');
    await page.getByRole('button', { name: /^Resume/ }).click();
    check((await lineCount()) > frozen, 'resume did not show the held lines');
    await page.getByLabel('Search').fill(newLine);
    await until('the log search to narrow the lines', async () => ((await text(page, '.log-state')).includes(' lines match') ? true : undefined));
    check((await page.locator('.log .log-line', { hasText: newLine }).count()) >= 1, `search for ${JSON.stringify(newLine)} hid the line`);
    await page.getByLabel('Search').fill('');
    log('console: pause holds new lines and resume shows them; search narrows the view');
    await checkPage('device');

    // Restart the ticker: the restart count goes up without a reload.
    const restartsBefore = Number(await text(page, `tr[data-service="${ticker}"] .restarts`));
    await page.getByRole('button', { name: `restart ${ticker}` }).click();
    await until(`"restart ${ticker}: done"`, async () => ((await text(page, '.message')).startsWith(`restart ${ticker}: done`) ? true : undefined), 60_000);
    const restartsAfter = await until(`${ticker}'s restart count above ${restartsBefore}`, async () => {
      const now = Number(await text(page, `tr[data-service="${ticker}"] .restarts`));
      return now > restartsBefore ? now : undefined;
    }, 60_000);
    log(`console: restart ${ticker}: restarts ${restartsBefore} -> ${restartsAfter}`);

    // Refused: a wrong CSRF token, none at all, and no session; the device is not rebooted.
    const api = { 'imago-fleet-protocol': '1' };
    const reboot = `/v1/devices/${encodeURIComponent(first!)}/reboot`;
    const wrongToken = await pageFetch(page, 'POST', reboot, { ...api, 'x-imago-csrf': 'A'.repeat(43) });
    const noToken = await pageFetch(page, 'POST', reboot, api);
    check(wrongToken.status === 403 && noToken.status === 403, `reboot with a wrong or no CSRF token: ${wrongToken.status} ${wrongToken.body}; ${noToken.status} ${noToken.body}`);
    const stranger = await browser.newContext();
    const strangerPage = await stranger.newPage();
    await strangerPage.goto(`${origin}/`);
    const noSession = await pageFetch(strangerPage, 'POST', reboot, { ...api, 'x-imago-csrf': 'A'.repeat(43) });
    await stranger.close();
    check(noSession.status === 401, `reboot without a session: ${noSession.status} ${noSession.body}`);
    const audited = JSON.parse((await pageFetch(page, 'GET', '/v1/audit?limit=50', api)).body) as { entries: { action: string; operator: string }[] };
    check(!audited.entries.some((e) => e.action === 'reboot' && e.operator === operator), 'a refused reboot reached the audit log');
    check((await text(page, 'h1 .badge')) === 'online', 'the device is not online after the refused reboots');
    log('console: wrong CSRF token and no token refused (403), no session refused (401); nothing was done');

    // Reboot: the device goes away and comes back.
    if (options.reboot !== false) {
      await page.getByRole('button', { name: 'Reboot…' }).click();
      await page.getByRole('button', { name: 'Reboot now' }).click();
      await until('"reboot: done"', async () => ((await text(page, '.message')).startsWith('reboot: done') ? true : undefined), 60_000);
      await until(`${first} shown rebooting`, async () => ((await text(page, 'h1 .badge')) === 'rebooting' ? true : undefined), 30_000);
      log(`console: ${first} accepted the reboot and is shown rebooting`);
      if (typeof options.reboot === 'object') await options.reboot.bringBack(first!);
      const started = Date.now();
      await until(`${first} back online after its reboot`, async () => ((await text(page, 'h1 .badge')) === 'online' ? true : undefined), options.rebootTimeoutMs ?? 240_000);
      log(`console: ${first} came back online ${Math.round((Date.now() - started) / 1000)} s later`);
    }

    // Update from an uploaded bundle, followed to its outcome.
    if (options.update) {
      const outcomeText = { committed: 'Committed:', 'rolled-back': 'Rolled back:', refused: 'The device refused the update' }[options.update.expect];
      await page.getByLabel('Bundle file').setInputFiles(options.update.bundle);
      await page.getByRole('button', { name: 'Upload and update' }).click();
      const outcome = await until(`the update's outcome (${outcomeText})`, async () => {
        const state = await text(page, '.update-state');
        return /^(Committed|Rolled back|The device refused|Update failed)/.test(state) ? state : undefined;
      }, options.update.timeoutMs ?? 600_000);
      check(outcome.startsWith(outcomeText), `update from ${options.update.bundle}: expected "${outcomeText}...", the console says "${outcome}"`);
      log(`console: update of ${first} from an uploaded bundle: ${outcome}`);
    }

    // Revoke the last device: marked revoked, its actions disabled.
    const last = devices[devices.length - 1]!;
    if (options.revokeLast) {
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Devices' }).click();
      await page.locator(`tr[data-device="${last}"] a`).click();
      await page.getByRole('heading', { level: 1 }).filter({ hasText: 'online' }).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Revoke…' }).click();
      await page.getByRole('button', { name: 'Revoke', exact: true }).click();
      await until(`${last} shown revoked`, async () => ((await text(page, 'h1 .badge')) === 'revoked' ? true : undefined));
      check(await page.getByRole('button', { name: 'Reboot…' }).isDisabled(), `${last} is revoked but its reboot button is enabled`);
      log(`console: ${last} revoked`);
    }

    // Batches: create one, see its token once, revoke it.
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Batches' }).click();
    await page.getByRole('heading', { name: 'Activation batches' }).waitFor();
    const batch = `console-${randomBytes(3).toString('hex')}`;
    await page.getByLabel('Name (optional)').fill(batch);
    await page.getByLabel('Devices').fill('3');
    await page.getByLabel('Expires after').fill('1h');
    await page.getByRole('button', { name: 'Create batch' }).click();
    const token = await until('the new batch token', async () => {
      const value = await page.getByRole('textbox', { name: 'Token', exact: true }).inputValue({ timeout: 1000 });
      return value.startsWith(`${batch}.`) ? value : undefined;
    });
    await until(`batch ${batch} listed with 0 of 3 used`, async () => ((await text(page, `tr[data-batch="${batch}"] td`)) === '0 of 3' ? true : undefined));
    await checkPage('batches');
    await page.getByRole('button', { name: 'I have saved it' }).click();
    check((await page.getByRole('textbox', { name: 'Token', exact: true }).count()) === 0 && (await page.getByText(token).count()) === 0, 'the token is still on the page after "I have saved it"');
    await page.locator(`tr[data-batch="${batch}"]`).getByRole('button', { name: 'Revoke…' }).click();
    await page.locator(`tr[data-batch="${batch}"]`).getByRole('button', { name: 'Revoke', exact: true }).click();
    await until(`batch ${batch} revoked`, async () => ((await text(page, `tr[data-batch="${batch}"] td:nth-of-type(2)`)) === 'revoked' ? true : undefined));
    log(`console: batch ${batch} created (token shown once) and revoked`);

    // The audit log holds what this operator did, live.
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const wanted = ['sign-in', 'restart', 'logs', 'create-batch', 'revoke-batch', ...(options.reboot !== false ? ['reboot'] : []), ...(options.update ? ['upload-bundle', 'update'] : []), ...(options.revokeLast ? ['revoke-device'] : [])];
    await until(`audit entries ${wanted.join(', ')} by ${operator}`, async () => {
      const rows = await page.locator('tbody tr').allTextContents();
      return wanted.every((action) => rows.some((row) => row.includes(operator) && row.includes(action))) ? true : undefined;
    });
    await checkPage('audit');

    // Sign out: the cookie no longer opens anything.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    check((await pageFetch(page, 'GET', '/v1/devices', api)).status === 401, 'the API still answers after sign-out');
    check(pageErrors.length === 0, `errors in the page: ${pageErrors.join('; ')}`);
    log('console: signed out; the API refuses the old session');
    return result;
  } finally {
    await browser?.close();
    await rm(secrets, { recursive: true, force: true });
  }
}
