/**
 * A service's recent lines from its log files, rotated ones included
 * (<service>.log, then .log.1, .log.2, ... as the init rotates them), so an
 * operator asking for more lines than the init keeps in memory still gets
 * them. File lines are `<ISO time> <text>`; they come back as
 * `<ISO time> <service>: <text>`, the form followed lines have.
 */
import type { AgentFiles } from './deps.ts';

export const defaultLogDir = '/var/log';
/** Rotated files looked at beyond the current one. */
const maxRotated = 100;

/** The newest `count` lines of the service's log files, oldest first; [] when it has no file. */
export function logHistory(files: Pick<AgentFiles, 'readText'>, logDir: string, service: string, count: number): string[] {
  if (count <= 0 || service.includes('/')) return [];
  const newestFirst: string[][] = [];
  let found = 0;
  for (let i = 0; i <= maxRotated && found < count; i++) {
    const text = files.readText(`${logDir}/${service}.log${i === 0 ? '' : `.${i}`}`);
    if (text === undefined) break;
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const wanted = lines.slice(Math.max(0, lines.length - (count - found)));
    newestFirst.push(wanted);
    found += wanted.length;
  }
  return newestFirst.reverse().flat().map((line) => withSource(line, service));
}

/** `<stamp> text` as `<stamp> service: text`; a line without a stamp is kept whole after the name. */
function withSource(line: string, service: string): string {
  const space = line.indexOf(' ');
  return space > 0 && /^\d{4}-\d\d-\d\dT/.test(line) ? `${line.slice(0, space)} ${service}: ${line.slice(space + 1)}` : `${service}: ${line}`;
}
