/** Command-line parsing for `imagoctl`. Pure. */
import { defaultSocketPath, type Request } from './protocol.ts';

export const ctlUsage = `usage: imagoctl [--json] [--socket PATH] COMMAND
commands:
  status                       every service: state, health, pid, restarts, uptime
  logs SERVICE [-f] [-n N]     the last N lines (default 50) of a service's log; -f follows it
  start|stop|restart SERVICE   control one service
  reboot | poweroff | halt     shut the system down cleanly
  update FILE|URL              install a signed bundle into the inactive slot and reboot into it for a trial
Services include "init" and "kernel" for logs.`;

export interface CtlOptions {
  socket: string;
  json: boolean;
  request: Request;
  /** For `update`: the bundle's path or http URL. */
  bundle?: string;
}

export function parseCtlArgs(args: readonly string[]): CtlOptions | { error: string } {
  let socket = defaultSocketPath;
  let json = false;
  let follow = false;
  let lines: number | undefined;
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--socket') socket = args[++i] ?? '';
    else if (arg === '-f' || arg === '--follow') follow = true;
    else if (arg === '-n' || arg === '--lines') {
      lines = Number(args[++i]);
      if (!Number.isInteger(lines) || lines < 0) return { error: `-n needs a whole number, got ${JSON.stringify(args[i])}` };
    } else if (arg === '-h' || arg === '--help') return { error: ctlUsage };
    else if (arg.startsWith('-')) return { error: `unknown option ${arg}\n${ctlUsage}` };
    else words.push(arg);
  }
  const [command, service, extra] = words;
  if (!command) return { error: ctlUsage };
  if (extra !== undefined) return { error: `unexpected argument ${JSON.stringify(extra)}\n${ctlUsage}` };
  switch (command) {
    case 'status':
    case 'reboot':
    case 'poweroff':
    case 'halt':
      if (service !== undefined) return { error: `${command} takes no service\n${ctlUsage}` };
      return { socket, json, request: { command } };
    case 'update':
      if (!service) return { error: `update needs a bundle file or http URL\n${ctlUsage}` };
      return { socket, json, request: { command: 'update-activate', slot: 'A' }, bundle: service };
    case 'logs':
      if (!service) return { error: `logs needs a service name\n${ctlUsage}` };
      return { socket, json, request: { command, service, lines, follow } };
    case 'start':
    case 'stop':
    case 'restart':
      if (!service) return { error: `${command} needs a service name\n${ctlUsage}` };
      return { socket, json, request: { command, service } };
    default:
      return { error: `unknown command ${JSON.stringify(command)}\n${ctlUsage}` };
  }
}
