/**
 * The console's calls to the fleet server: the operator API (/v1/...) the CLI
 * uses, with the session cookie instead of a certificate, and on every POST
 * the CSRF token the server gave at sign-in. A 401 means the session is gone:
 * the app goes back to the sign-in page.
 *
 *   const { devices } = await api.get<{ devices: ListedDevice[] }>('/v1/devices');
 *   await api.post(`/v1/devices/${id}/reboot`);
 */
import { fleetProtocolHeader, fleetProtocolVersion } from '../../contract/index.ts';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    /** Seconds, from Retry-After (a 429). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

const csrfHeader = 'x-imago-csrf';
let csrf = '';
let signedOut: () => void = () => {};

/** The token POSTs carry; given by sign-in and by GET /console/session. */
export function useCsrf(token: string): void {
  csrf = token;
}

/** What to do when the server no longer knows the session. */
export function onSignedOut(handler: () => void): void {
  signedOut = handler;
}

function headers(method: string, type?: string): Record<string, string> {
  return { [fleetProtocolHeader]: String(fleetProtocolVersion), ...(method === 'GET' ? {} : { [csrfHeader]: csrf }), ...(type ? { 'content-type': type } : {}) };
}

function failure(path: string, status: number, text: string, retryAfter: string | null): ApiError {
  let message = `the server answered ${status}`;
  try {
    message = (JSON.parse(text) as { error?: string }).error ?? message;
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  if (status === 401 && path !== '/console/sign-in' && path !== '/console/session') signedOut();
  return new ApiError(status, message, retryAfter === null ? undefined : Number(retryAfter));
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: string, type?: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { method, headers: headers(method, type), body, credentials: 'same-origin', cache: 'no-store', signal });
  const text = await res.text();
  if (!res.ok) throw failure(path, res.status, text, res.headers.get('retry-after'));
  return JSON.parse(text) as T;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => call<T>('GET', path, undefined, undefined, signal),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? undefined : 'application/json'),

  /** Sends a file's bytes as the body, telling progress (0 to 1); fetch cannot report upload progress, XMLHttpRequest can. */
  upload<T>(path: string, file: Blob, progress: (fraction: number) => void): Promise<T> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      for (const [name, value] of Object.entries(headers('POST', 'application/octet-stream'))) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => event.lengthComputable && progress(event.loaded / event.total);
      xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve(JSON.parse(xhr.responseText) as T) : reject(failure(path, xhr.status, xhr.responseText, xhr.getResponseHeader('retry-after'))));
      xhr.onerror = () => reject(new ApiError(0, 'the upload was cut off (network)'));
      xhr.send(file);
    });
  },

  /** Reads an NDJSON stream (a service's log), one parsed object per line, until it ends or `signal` aborts. */
  async stream(path: string, signal: AbortSignal, each: (message: Record<string, unknown>) => void): Promise<void> {
    const res = await fetch(path, { headers: headers('GET'), credentials: 'same-origin', cache: 'no-store', signal });
    if (!res.ok || !res.body) throw failure(path, res.status, await res.text(), res.headers.get('retry-after'));
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const parts = (pending + value).split('\n');
      pending = parts.pop()!;
      for (const part of parts) if (part) each(JSON.parse(part) as Record<string, unknown>);
    }
  },
};
