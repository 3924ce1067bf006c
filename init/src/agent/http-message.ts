/**
 * HTTP/1.1 as the agent speaks it: one request encoded to bytes, and an
 * incremental response parser fed whatever the TLS session delivered. Pure.
 * The parser holds limits on header and body size so a hostile or broken
 * server cannot grow the agent's memory; every failure is an HttpMessageError
 * naming what was wrong.
 */
import { decodeUtf8, encodeUtf8 } from '../../../contract/index.ts';

export class HttpMessageError extends Error {
  override name = 'HttpMessageError';
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  /** The Host header: host:port as the server was configured. */
  host: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  reason: string;
  /** Header names in lower case. */
  headers: Map<string, string>;
  body: Uint8Array;
}

export interface ResponseLimits {
  maxHeaderBytes: number;
  maxBodyBytes: number;
}

export const defaultLimits: ResponseLimits = { maxHeaderBytes: 16384, maxBodyBytes: 2 * 1024 * 1024 };

const headerToken = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function encodeRequest(request: HttpRequest): Uint8Array {
  if (!request.path.startsWith('/') || /[\s]/.test(request.path)) throw new HttpMessageError(`request path ${JSON.stringify(request.path)}: expected an absolute path without spaces`);
  const body = request.body === undefined ? undefined : encodeUtf8(request.body);
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `host: ${request.host}`];
  for (const [key, value] of Object.entries(request.headers ?? {})) {
    // A CR or LF in a value would let it smuggle a header of its own.
    if (!headerToken.test(key) || /[\r\n]/.test(value)) throw new HttpMessageError(`request header ${JSON.stringify(key)}: expected a token name and a one-line value`);
    lines.push(`${key}: ${value}`);
  }
  if (body !== undefined) lines.push('content-type: application/json', `content-length: ${body.length}`);
  const head = encodeUtf8(`${lines.join('\r\n')}\r\n\r\n`);
  if (!body) return head;
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

type Phase = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'until-close' | 'done';

/** Feed it bytes with push(); it returns the response once complete. One response per parser. */
export class ResponseParser {
  private buffer = new Uint8Array(0);
  private phase: Phase = 'head';
  private status = 0;
  private reason = '';
  private headers = new Map<string, string>();
  private remaining = 0;
  private parts: Uint8Array[] = [];
  private bodyBytes = 0;

  /**
   * `onBody`: the body goes there piece by piece as it arrives (a bundle
   * download, too large to hold), and the response's body is then empty.
   */
  constructor(
    private readonly limits: ResponseLimits = defaultLimits,
    private readonly onBody?: (bytes: Uint8Array) => void,
  ) {}

  push(chunk: Uint8Array): HttpResponse | undefined {
    if (this.phase === 'done') throw new HttpMessageError('response: bytes after the end of the response');
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
    for (;;) {
      const before: Phase = this.phase;
      const consumed = this.step();
      if ((this.phase as Phase) === 'done') return this.result();
      if (!consumed && before === this.phase) return undefined;
    }
  }

  /** The peer closed: a response delimited by the close is complete, anything else was cut short. */
  end(): HttpResponse {
    if (this.phase === 'until-close') {
      this.take(this.buffer);
      this.buffer = new Uint8Array(0);
      this.phase = 'done';
      return this.result();
    }
    if (this.phase === 'done') return this.result();
    throw new HttpMessageError(`response: the server closed the connection ${this.phase === 'head' ? 'before the headers ended' : 'in the middle of the body'}`);
  }

  private result(): HttpResponse {
    const body = new Uint8Array(this.onBody ? 0 : this.bodyBytes);
    let at = 0;
    for (const part of this.parts) {
      body.set(part, at);
      at += part.length;
    }
    return { status: this.status, reason: this.reason, headers: this.headers, body };
  }

  private take(bytes: Uint8Array): void {
    this.bodyBytes += bytes.length;
    if (this.bodyBytes > this.limits.maxBodyBytes) throw new HttpMessageError(`response body: larger than ${this.limits.maxBodyBytes} bytes`);
    if (this.onBody) this.onBody(bytes);
    else this.parts.push(bytes.slice());
  }

  private lineEnd(max: number, what: string): number {
    for (let i = 0; i + 1 < this.buffer.length; i++) {
      if (this.buffer[i] === 0x0d && this.buffer[i + 1] === 0x0a) return i;
      if (i >= max) break;
    }
    if (this.buffer.length > max) throw new HttpMessageError(`response ${what}: longer than ${max} bytes`);
    return -1;
  }

  /** Does one step; true when it consumed input. */
  private step(): boolean {
    switch (this.phase) {
      case 'head':
        return this.parseHead();
      case 'length': {
        const n = Math.min(this.remaining, this.buffer.length);
        if (n === 0) return false;
        this.take(this.buffer.subarray(0, n));
        this.buffer = this.buffer.slice(n);
        this.remaining -= n;
        if (this.remaining === 0) this.phase = 'done';
        return true;
      }
      case 'chunk-size': {
        const end = this.lineEnd(1024, 'chunk size line');
        if (end < 0) return false;
        const line = decodeUtf8(this.buffer.subarray(0, end)).split(';')[0]!.trim();
        if (!/^[0-9a-fA-F]{1,8}$/.test(line)) throw new HttpMessageError(`response chunk size: expected hex digits, got ${JSON.stringify(line.slice(0, 40))}`);
        this.remaining = parseInt(line, 16);
        if (this.bodyBytes + this.remaining > this.limits.maxBodyBytes) throw new HttpMessageError(`response body: larger than ${this.limits.maxBodyBytes} bytes`);
        this.buffer = this.buffer.slice(end + 2);
        this.phase = this.remaining === 0 ? 'trailers' : 'chunk-data';
        return true;
      }
      case 'chunk-data': {
        const n = Math.min(this.remaining, this.buffer.length);
        if (n === 0) return false;
        this.take(this.buffer.subarray(0, n));
        this.buffer = this.buffer.slice(n);
        this.remaining -= n;
        if (this.remaining === 0) this.phase = 'chunk-crlf';
        return true;
      }
      case 'chunk-crlf':
        if (this.buffer.length < 2) return false;
        if (this.buffer[0] !== 0x0d || this.buffer[1] !== 0x0a) throw new HttpMessageError('response chunk: expected CRLF after the chunk data');
        this.buffer = this.buffer.slice(2);
        this.phase = 'chunk-size';
        return true;
      case 'trailers': {
        const end = this.lineEnd(this.limits.maxHeaderBytes, 'trailer');
        if (end < 0) return false;
        this.buffer = this.buffer.slice(end + 2);
        if (end === 0) this.phase = 'done';
        return true;
      }
      case 'until-close':
        if (this.buffer.length === 0) return false;
        this.take(this.buffer);
        this.buffer = new Uint8Array(0);
        return true;
      case 'done':
        return false;
    }
  }

  private parseHead(): boolean {
    let end = -1;
    const max = this.limits.maxHeaderBytes;
    for (let i = 0; i + 3 < this.buffer.length && i < max; i++) {
      if (this.buffer[i] === 0x0d && this.buffer[i + 1] === 0x0a && this.buffer[i + 2] === 0x0d && this.buffer[i + 3] === 0x0a) {
        end = i;
        break;
      }
    }
    if (end < 0) {
      if (this.buffer.length >= max) throw new HttpMessageError(`response headers: longer than ${max} bytes`);
      return false;
    }
    const lines = decodeUtf8(this.buffer.subarray(0, end)).split('\r\n');
    this.buffer = this.buffer.slice(end + 4);
    const statusLine = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]!);
    if (!statusLine) throw new HttpMessageError(`response status line: expected "HTTP/1.1 NNN reason", got ${JSON.stringify(lines[0]!.slice(0, 80))}`);
    this.status = Number(statusLine[1]);
    this.reason = statusLine[2] ?? '';
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const key = colon > 0 ? line.slice(0, colon) : '';
      if (!headerToken.test(key)) throw new HttpMessageError(`response header line: expected "name: value", got ${JSON.stringify(line.slice(0, 80))}`);
      const lower = key.toLowerCase();
      const value = line.slice(colon + 1).trim();
      const previous = this.headers.get(lower);
      if (lower === 'content-length' && previous !== undefined && previous !== value) throw new HttpMessageError('response content-length: given twice with different values');
      this.headers.set(lower, previous !== undefined && lower !== 'content-length' ? `${previous}, ${value}` : value);
    }
    const encoding = this.headers.get('transfer-encoding');
    const length = this.headers.get('content-length');
    if (this.status === 204 || this.status === 304 || (this.status >= 100 && this.status < 200)) {
      if (this.status < 200) throw new HttpMessageError(`response status ${this.status}: the agent never asks for an interim response`);
      this.phase = 'done';
    } else if (encoding !== undefined) {
      if (encoding.toLowerCase() !== 'chunked') throw new HttpMessageError(`response transfer-encoding: expected chunked, got ${JSON.stringify(encoding.slice(0, 40))}`);
      this.phase = 'chunk-size';
    } else if (length !== undefined) {
      if (!/^\d{1,15}$/.test(length)) throw new HttpMessageError(`response content-length: expected a number, got ${JSON.stringify(length.slice(0, 40))}`);
      this.remaining = Number(length);
      if (this.remaining > this.limits.maxBodyBytes) throw new HttpMessageError(`response body: content-length ${this.remaining} is larger than ${this.limits.maxBodyBytes} bytes`);
      this.phase = this.remaining === 0 ? 'done' : 'length';
    } else this.phase = 'until-close';
    return true;
  }
}

/** The body as text. */
export function bodyText(response: HttpResponse): string {
  return decodeUtf8(response.body);
}
