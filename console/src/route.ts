/**
 * Pages by the URL's fragment (#/devices/d-…), so the server serves one
 * page and links, back and reload work without it knowing the routes.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route = { page: 'fleet' } | { page: 'device'; id: string } | { page: 'batches' } | { page: 'audit' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const device = /^\/devices\/([A-Za-z0-9._@:-]{1,128})$/.exec(path);
  if (device) return { page: 'device', id: device[1]! };
  if (path === '/batches') return { page: 'batches' };
  if (path === '/audit') return { page: 'audit' };
  return { page: 'fleet' };
}

export const href = {
  fleet: '#/',
  device: (id: string) => `#/devices/${encodeURIComponent(id)}`,
  batches: '#/batches',
  audit: '#/audit',
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}
