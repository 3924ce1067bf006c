/**
 * `imagoctl`: the init binary run under that name. Sends one request to the
 * control socket and prints the answer, or keeps printing with `logs -f`.
 */
import { LineSplitter } from '../logs/lines.ts';
import type { LogLine } from '../logs/logger.ts';
import { SysError, type Sys } from '../sys/sys.ts';
import { parseCtlArgs } from './ctl-args.ts';
import { formatLogLine, formatStatus } from './format.ts';
import { parseMessage, requestMessage, type StatusResult } from './protocol.ts';
import { configPath } from '../../../contract/index.ts';
import { readConfig } from '../read-config.ts';
import { applyBundle } from '../update/apply.ts';
import { formatUpdateStatus } from '../update/status.ts';

export function runCtl(sys: Sys, args: readonly string[]): void {
  const out = (text: string) => sys.write(1, `${text}\n`);
  // An update's lock, held until the init answered the arming request.
  let release = () => {};
  const fail = (text: string): never => {
    release();
    sys.write(2, `imagoctl: ${text}\n`);
    sys.exit(1);
    throw new Error('unreachable');
  };
  const options = parseCtlArgs(args);
  if ('error' in options) {
    sys.write(2, `${options.error}\n`);
    sys.exit(2);
    return;
  }
  let fd: number;
  try {
    fd = sys.connectUnix(options.socket);
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)} (is the init running?)`);
    return;
  }
  let { request } = options;
  const { json } = options;
  if (options.bundle !== undefined) {
    // Write the inactive slot here, then ask the init to arm it and reboot.
    try {
      const config = readConfig(sys, configPath);
      if (!config.update) fail('this image is not built for updates (no update: section in its spec)');
      const result = applyBundle(sys, config.update!, options.bundle, out);
      out(`update: wrote slot ${result.slot} (version ${result.version}, ${(result.bytes / 1e6).toFixed(1)} MB) in ${result.seconds.toFixed(1)} s`);
      out(`update-apply seconds: ${result.seconds.toFixed(1)}`);
      request = { command: 'update-activate', slot: result.slot };
      release = result.release;
    } catch (error) {
      fail(`update refused: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const follow = request.command === 'logs' && request.follow === true;
  const splitter = new LineSplitter(1 << 20);
  const printLine = (line: LogLine) => out(json ? JSON.stringify(line) : formatLogLine(line));

  sys.onReadable(fd, () => {
    const chunk = sys.read(fd, 65536);
    if (chunk === undefined) return;
    if (chunk.length === 0) {
      if (follow) sys.exit(0);
      fail('the init closed the connection');
    }
    for (const text of splitter.push(chunk)) {
      const message = parseMessage(text);
      if (!message) continue;
      if ('event' in message) {
        printLine(message.line);
        continue;
      }
      if (!message.ok) fail(message.error);
      else if (json && request.command !== 'logs') out(JSON.stringify(message.result, null, 2));
      else if (request.command === 'status') {
        const status = message.result as StatusResult;
        out(formatStatus(status));
        if (status.update) for (const line of formatUpdateStatus(status.update)) out(line);
      } else if (request.command === 'update-activate') out(`update: slot ${request.slot} armed for a trial boot; rebooting`);
      else if (request.command === 'logs') for (const line of (message.result as { lines: LogLine[] }).lines) printLine(line);
      else if ('service' in request) out(`${request.service}: ${request.command} done`);
      else out(`${request.command} requested`);
      if (!follow) {
        release();
        sys.exit(0);
      }
    }
  });
  try {
    sys.write(fd, requestMessage(1, request));
  } catch (error) {
    // The init may refuse a connection (permission, too many) and close it before the request is written:
    // its one-line reason is still waiting to be read, and says more than "Broken pipe".
    if (!(error instanceof SysError && error.errno === sys.errno.EPIPE)) throw error;
  }
}
