/**
 * `imago fleet serve`: the HTTPS server devices and operators talk to.
 *
 *   const server = await startFleetServer({ fleet, store, listen: { host: '127.0.0.1', port: 0 } });
 *   server.port; await server.close();
 *
 * TLS 1.2+ with the fleet's server certificate. A client certificate is asked
 * for but not required at the handshake; each route checks it (check-peer.ts).
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fleetProtocolHeader, fleetProtocolVersion, maxPollWaitSeconds } from '../../../contract/index.ts';
import type { HostPort } from '../config/host-port.ts';
import type { Fleet } from '../load-fleet.ts';
import type { FleetStore } from '../store/store.ts';
import { checkPeer } from './check-peer.ts';
import type { ServerContext } from './context.ts';
import { HttpError, sendError } from './http-io.ts';
import { matchRoute } from './routes.ts';
import type { ConsoleFiles } from '../console/console-files.ts';
import { securityHeaders } from '../console/security-headers.ts';
import { SignInLimit } from '../console/sign-in-limit.ts';

export interface FleetServerOptions {
  fleet: Fleet;
  store: FleetStore;
  listen: HostPort;
  now?: () => number;
  log?: (line: string) => void;
  commandWaitMs?: number;
  /** The built web console (build-console.ts); without it the server serves only the API. */
  consoleFiles?: ConsoleFiles;
}

export interface RunningFleetServer {
  port: number;
  server: Server;
  close(): Promise<void>;
}

/**
 * One request: protocol version (on the /v1/ API only: a browser loading the
 * console's pages sends none), route, peer check, handler; every failure
 * becomes `{error}` with its status.
 */
async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    const target = req.url ?? '';
    const queryAt = target.indexOf('?');
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
    const version = req.headers[fleetProtocolHeader];
    if (!path.startsWith('/console/') && path !== '/' && !/^\/app\.(js|css)$/.test(path) && version !== String(fleetProtocolVersion)) {
      throw new HttpError(426, `${fleetProtocolHeader}: expected ${fleetProtocolVersion}, got ${version === undefined ? 'none' : JSON.stringify(String(version).slice(0, 32))}`);
    }
    const match = matchRoute(req.method ?? '', path);
    if ('status' in match) throw new HttpError(match.status, match.status === 404 ? 'no such route' : `method ${String(req.method).slice(0, 16)} not allowed here`);
    const peer = await checkPeer(ctx, req, match.route.access);
    await match.route.handle({ ctx, req, res, params: match.params, query: new URLSearchParams(queryAt < 0 ? '' : target.slice(queryAt + 1)), peer });
  } catch (error) {
    if (error instanceof HttpError) return sendError(res, error.status, error.message);
    ctx.log(`fleet: error: ${req.method} ${req.url}: ${(error as Error)?.stack ?? String(error)}`);
    sendError(res, 500, 'internal error (see the server log)');
  }
}

/** Starts the server; resolves once it listens. */
export function startFleetServer(options: FleetServerOptions): Promise<RunningFleetServer> {
  const ctx: ServerContext = {
    fleet: options.fleet,
    store: options.store,
    now: options.now ?? Date.now,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    commandWaitMs: options.commandWaitMs ?? 30_000,
    consoleFiles: options.consoleFiles,
    signInLimit: new SignInLimit(),
  };
  const server = createServer(
    {
      cert: options.fleet.serverCertificatePem,
      key: options.fleet.serverKeyPem,
      ca: options.fleet.ca.certificatePem,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      // A slow client cannot hold a connection by trickling headers or a body.
      headersTimeout: 10_000,
      requestTimeout: 300_000,
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => void handle(ctx, req, res),
  );
  server.keepAliveTimeout = 5_000;
  // A held poll is idle for up to maxPollWaitSeconds; the socket must outlast it.
  server.timeout = (maxPollWaitSeconds + 30) * 1000;
  server.on('tlsClientError', () => {});
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const [status, reason] = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout'] : error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : [400, 'Bad Request'];
    const body = JSON.stringify({ error: `malformed HTTP request (${reason.toLowerCase()})` });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
