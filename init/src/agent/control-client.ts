/**
 * The agent's side of the init's control socket: one request answered, or a
 * followed log. Each call is its own connection, as imagoctl does, so a slow
 * follow never delays a restart.
 */
import { LineSplitter } from '../logs/lines.ts';
import type { LogLine } from '../logs/logger.ts';
import { parseMessage, requestMessage, type Request } from '../control/protocol.ts';
import { reasonOf, type Sys } from '../sys/sys.ts';

export interface LogFollow {
  stop(): void;
}

export interface ControlClient {
  /** The result of one request; rejects with the init's refusal. */
  request(request: Request): Promise<unknown>;
  /** The last `lines` lines, then (with follow) each new one; `onEnd` once it is over, with why. */
  logs(service: string, lines: number, follow: boolean, onLines: (lines: LogLine[]) => void, onEnd: (why?: string) => void): LogFollow;
}

export function controlClient(sys: Sys, socketPath: string): ControlClient {
  const open = (request: Request, onMessage: (message: NonNullable<ReturnType<typeof parseMessage>>) => void, onClose: (why?: string) => void): (() => void) => {
    let fd: number;
    try {
      fd = sys.connectUnix(socketPath);
    } catch (error) {
      onClose(`cannot reach the init at ${socketPath}: ${reasonOf(error)}`);
      return () => {};
    }
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      sys.onReadable(fd, null);
      sys.close(fd);
    };
    const splitter = new LineSplitter(1 << 20);
    sys.onReadable(fd, () => {
      let chunk: Uint8Array | undefined;
      try {
        chunk = sys.read(fd, 65536);
      } catch (error) {
        close();
        onClose(`reading the control socket: ${reasonOf(error)}`);
        return;
      }
      if (chunk === undefined) return;
      if (chunk.length === 0) {
        close();
        onClose('the init closed the connection');
        return;
      }
      for (const text of splitter.push(chunk)) {
        const message = parseMessage(text);
        if (message && !closed) onMessage(message);
      }
    });
    try {
      sys.write(fd, requestMessage(1, request));
    } catch (error) {
      close();
      onClose(`writing to the control socket: ${reasonOf(error)}`);
    }
    return close;
  };
  return {
    request(request) {
      return new Promise((resolve, reject) => {
        let done = false;
        // open() may report a failure before it returns, so close starts as a no-op.
        let close = () => {};
        close = open(
          request,
          (message) => {
            if ('event' in message || done) return;
            done = true;
            close();
            if (message.ok) resolve(message.result);
            else reject(new Error(message.error));
          },
          (why) => {
            if (!done) reject(new Error(why ?? 'no answer'));
            done = true;
          },
        );
      });
    },
    logs(service, lines, follow, onLines, onEnd) {
      let ended = false;
      let close = () => {};
      const end = (why?: string) => {
        if (ended) return;
        ended = true;
        close();
        onEnd(why);
      };
      close = open(
        { command: 'logs', service, lines, follow },
        (message) => {
          if ('event' in message) onLines([message.line]);
          else if (!message.ok) end(message.error);
          else {
            onLines((message.result as { lines: LogLine[] }).lines);
            if (!follow) end();
          }
        },
        (why) => end(why),
      );
      return { stop: () => end() };
    },
  };
}
