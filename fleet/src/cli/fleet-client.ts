/**
 * The operator's HTTPS client: mutual TLS with the profile's certificate,
 * trusting only the fleet CA. A refusal from the server becomes a FleetError
 * with the server's own reason; an unreachable server names its host:port.
 */
import { request, type RequestOptions } from 'node:https';
import { createSecureContext, type ConnectionOptions, type SecureContext } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { fleetProtocolHeader, fleetProtocolVersion } from '../../../contract/index.ts';
import { parseHostPort } from '../config/host-port.ts';
import { FleetError } from '../errors.ts';
import type { OperatorProfile } from './profile.ts';

export interface FleetClient {
  /** JSON request and reply; FleetError for a non-2xx reply. */
  call<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown | Uint8Array): Promise<{ status: number; value: T }>;
  /** The raw response, for NDJSON streams. */
  open(method: 'GET' | 'POST', path: string): Promise<IncomingMessage>;
}

export function fleetClient(profile: OperatorProfile): FleetClient {
  const { host, port } = parseHostPort(profile.server, 'profile server');
  let secureContext: SecureContext;
  try {
    secureContext = createSecureContext({ ca: profile.ca, cert: profile.certificate, key: profile.key, minVersion: 'TLSv1.2' });
  } catch (error) {
    throw new FleetError(`operator profile of ${profile.operator}: its ca, certificate or key is not usable PEM: ${(error as Error).message}`, { cause: error });
  }
  const send = (method: string, path: string, body?: Uint8Array, type = 'application/json') =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const options: RequestOptions & ConnectionOptions = {
        host,
        port,
        method,
        path,
        secureContext,
        headers: { [fleetProtocolHeader]: String(fleetProtocolVersion), ...(body ? { 'content-type': type, 'content-length': body.length } : {}) },
      };
      const req = request(options, resolve);
      req.on('error', (error: NodeJS.ErrnoException) => reject(new FleetError(`cannot reach the fleet server at ${profile.server}: ${error.code ?? error.message}`, { cause: error })));
      req.end(body);
    });
  return {
    async call<T>(method: 'GET' | 'POST', path: string, body?: unknown) {
      const bytes = body === undefined ? undefined : body instanceof Uint8Array ? body : Buffer.from(JSON.stringify(body));
      const res = await send(method, path, bytes, body instanceof Uint8Array ? 'application/octet-stream' : 'application/json');
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new FleetError(`fleet server at ${profile.server}: ${method} ${path}: status ${res.statusCode}, reply is not JSON`);
      }
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) throw new FleetError(`fleet server at ${profile.server} refused: ${(value as { error?: string }).error ?? `status ${status}`}`);
      return { status, value: value as T };
    },
    async open(method: 'GET' | 'POST', path: string) {
      const res = await send(method, path);
      if ((res.statusCode ?? 0) >= 300) {
        const chunks: Buffer[] = [];
        for await (const chunk of res) chunks.push(chunk as Buffer);
        let reason = `status ${res.statusCode}`;
        try {
          reason = JSON.parse(Buffer.concat(chunks).toString('utf8')).error ?? reason;
        } catch {}
        throw new FleetError(`fleet server at ${profile.server} refused: ${reason}`);
      }
      return res;
    },
  };
}
