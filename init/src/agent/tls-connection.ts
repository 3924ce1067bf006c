/**
 * A Transport over imago:tls: one TLS connection per request, driven by the
 * event loop's readiness callbacks so the agent never blocks, with one
 * deadline for connect, handshake, write and read. The TLS module is passed in
 * (TlsApi) so this file has no import the Node tests cannot satisfy.
 */
import type { Sys, TimerHandle } from '../sys/sys.ts';
import { encodeRequest, HttpMessageError, ResponseParser, defaultLimits, type HttpResponse } from './http-message.ts';
import { TransportError, type Transport, type RequestOptions } from './transport.ts';

/** The part of `imago:tls` a connection uses. */
export interface TlsApi {
  WANT_READ: number;
  WANT_WRITE: number;
  tcpConnect(host: string, port: number): number;
  connectResult(fd: number): number;
  newSession(fd: number, options: { ca: string; hostname: string; cert?: string; key?: string }): TlsSession;
  errorText(code: number): string;
}

export interface TlsSession {
  handshake(): number;
  read(buffer: ArrayBuffer, offset: number, length: number): number;
  write(buffer: ArrayBuffer, offset: number, length: number): number;
  verifyResult(): string;
  close(): void;
}

export interface ServerAddress {
  host: string;
  port: number;
  /** The name its certificate must carry. */
  name: string;
}

export function tlsTransport(sys: Sys, tls: TlsApi, server: ServerAddress, ca: string): Transport {
  const where = `${server.host}:${server.port}`;
  return {
    request(request, options: RequestOptions): Promise<HttpResponse> {
      const bytes = encodeRequest({ ...request, host: where, headers: { ...request.headers, connection: 'close' } });
      const fd = tls.tcpConnect(server.host, server.port);
      if (fd < 0) return Promise.reject(new TransportError(`cannot connect to ${where}: ${tls.errorText(fd)}`));
      return new Promise((resolve, reject) => {
        let session: TlsSession | undefined;
        let phase: 'connect' | 'handshake' | 'write' | 'read' = 'connect';
        let written = 0;
        let finished = false;
        const buffer = new ArrayBuffer(16384);
        const parser = new ResponseParser({ maxHeaderBytes: defaultLimits.maxHeaderBytes, maxBodyBytes: options.maxBodyBytes ?? defaultLimits.maxBodyBytes }, options.onBody);
        const finish = (error: Error | undefined, response?: HttpResponse) => {
          if (finished) return;
          finished = true;
          sys.clearTimeout(timer);
          sys.onReadable(fd, null);
          sys.onWritable(fd, null);
          try {
            session?.close();
          } finally {
            sys.close(fd);
          }
          if (error) reject(error);
          else resolve(response!);
        };
        const timer: TimerHandle = sys.setTimeout(() => finish(new TransportError(`${where}: no answer within ${options.timeoutMs / 1000} s (${phase})`)), options.timeoutMs);
        const waitFor = (code: number): boolean => {
          if (code === tls.WANT_READ) {
            sys.onWritable(fd, null);
            sys.onReadable(fd, drive);
            return true;
          }
          if (code === tls.WANT_WRITE) {
            sys.onReadable(fd, null);
            sys.onWritable(fd, drive);
            return true;
          }
          return false;
        };
        const drive = (): void => {
          try {
            for (;;) {
              if (finished) return;
              if (phase === 'connect') {
                const result = tls.connectResult(fd);
                if (result < 0) return finish(new TransportError(`cannot connect to ${where}: ${tls.errorText(result)}`));
                sys.onWritable(fd, null);
                session = tls.newSession(fd, { ca, hostname: server.name, ...(options.identity ?? {}) });
                phase = 'handshake';
              } else if (phase === 'handshake') {
                const result = session!.handshake();
                if (waitFor(result)) return;
                if (result < 0) {
                  const why = session!.verifyResult();
                  return finish(new TransportError(`TLS with ${where} failed: ${why ? `the server's certificate was refused (${why})` : tls.errorText(result)}`));
                }
                phase = 'write';
              } else if (phase === 'write') {
                const result = session!.write(bytes.buffer as ArrayBuffer, bytes.byteOffset + written, bytes.length - written);
                if (waitFor(result)) return;
                if (result < 0) return finish(new TransportError(`sending to ${where} failed: ${tls.errorText(result)}`));
                written += result;
                if (written === bytes.length) phase = 'read';
              } else {
                const result = session!.read(buffer, 0, buffer.byteLength);
                if (waitFor(result)) return;
                if (result < 0) return finish(new TransportError(`reading from ${where} failed: ${tls.errorText(result)}`));
                const response = result === 0 ? parser.end() : parser.push(new Uint8Array(buffer, 0, result).slice());
                if (response) return finish(undefined, response);
              }
            }
          } catch (error) {
            if (error instanceof HttpMessageError) finish(new TransportError(`${where} answered with a broken HTTP response: ${error.message}`));
            else finish(error instanceof Error ? error : new Error(String(error)));
          }
        };
        sys.onWritable(fd, drive);
      });
    },
  };
}
