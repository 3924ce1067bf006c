/**
 * The seam between the agent's logic and the network: one HTTP request to the
 * fleet server, answered or failed. The real one is TLS over imago:tls
 * (tls-connection.ts); tests give the logic a fake. Pure types.
 */
import type { HttpRequest, HttpResponse } from './http-message.ts';

export interface ClientIdentity {
  cert: string;
  key: string;
}

export interface RequestOptions {
  timeoutMs: number;
  /** Mutual TLS: absent only for activation. */
  identity?: ClientIdentity;
  /** Largest body accepted (a bundle download is larger than a JSON reply). */
  maxBodyBytes?: number;
  /** Receives the body as it arrives instead of the response holding it (the response's body is then empty). */
  onBody?: (bytes: Uint8Array) => void;
}

/** The request did not get an answer: the server is unreachable, TLS failed, or time ran out. */
export class TransportError extends Error {
  override name = 'TransportError';
}

export interface Transport {
  request(request: Omit<HttpRequest, 'host'>, options: RequestOptions): Promise<HttpResponse>;
}
