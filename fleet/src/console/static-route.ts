/**
 * GET of the console's files: gzipped for a browser that takes gzip, 304 for
 * one that has this version already. Without a built console (a server
 * started by tests, or by code that wants only the API) every file is 404.
 */
import type { RouteCall } from '../server/context.ts';
import { HttpError } from '../server/http-io.ts';

export async function consoleStatic({ ctx, req, res }: RouteCall): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  const file = ctx.consoleFiles?.get(path);
  if (!file) throw new HttpError(404, ctx.consoleFiles ? `no console file ${path}` : 'this server serves no web console');
  // The files change with the server's version: a browser asks each time, and a 304 keeps it cheap.
  const headers = { 'content-type': file.type, 'cache-control': 'no-cache', etag: file.etag, vary: 'accept-encoding' };
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? file.gzip : file.body;
  res.writeHead(200, { ...headers, 'content-length': body.length, ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
  res.end(body);
}
