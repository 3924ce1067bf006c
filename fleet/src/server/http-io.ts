/**
 * Reading requests and writing replies for the fleet server: bodies with a
 * size limit, JSON replies, and HttpError, the one way a route refuses.
 * A reply never carries a stack trace: anything that is not an HttpError
 * becomes a bare 500 and is logged on the server only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fleetProtocolHeader, fleetProtocolVersion } from '../../../contract/index.ts';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The body as bytes; 413 once it passes `limit` (the rest is not read). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, `body: larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `body: larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The body as UTF-8 text; 400 when it is not valid UTF-8. */
export async function readText(req: IncomingMessage, limit: number): Promise<string> {
  const bytes = await readBody(req, limit);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, 'body: not valid UTF-8');
  }
}

/** A JSON reply with the protocol header. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), [fleetProtocolHeader]: String(fleetProtocolVersion) });
  res.end(body);
}

/** An error reply `{error}`; a request whose body was not read closes the connection, so the client stops sending. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (!res.req.complete) res.setHeader('connection', 'close');
  sendJson(res, status, { error: message });
}
