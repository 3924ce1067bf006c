/**
 * The signed-in frame: a skip link, the header with the pages and sign-out,
 * whether live updates are flowing, and the current page. On each page
 * change the focus moves to the page's heading, as a page load would.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { watchLiveState, type LiveState } from '../live.ts';
import { href, useRoute, type Route } from '../route.ts';
import { AuditPage } from '../pages/audit-page.tsx';
import { BatchesPage } from '../pages/batches-page.tsx';
import { DevicePage } from '../pages/device-page.tsx';
import { FleetPage } from '../pages/fleet-page.tsx';

const liveText: Record<LiveState, string> = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…' };

function page(route: Route) {
  switch (route.page) {
    case 'device':
      return <DevicePage id={route.id} />;
    case 'batches':
      return <BatchesPage />;
    case 'audit':
      return <AuditPage />;
    default:
      return <FleetPage />;
  }
}

export function Shell({ operator, onSignedOut }: { operator: string; onSignedOut: () => void }) {
  const route = useRoute();
  const [live, setLive] = useState<LiveState>('connecting');
  useEffect(() => watchLiveState(setLive), []);
  useEffect(() => {
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [route.page, route.page === 'device' ? route.id : '']);
  const signOut = async () => {
    await api.post('/console/sign-out').catch(() => undefined);
    onSignedOut();
  };
  const current = (page: Route['page']) => (route.page === page || (page === 'fleet' && route.page === 'device') ? 'page' : undefined);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.querySelector<HTMLElement>('main h1')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">imago fleet</span>
        <nav aria-label="Pages">
          <a href={href.fleet} aria-current={current('fleet')}>
            Devices
          </a>
          <a href={href.batches} aria-current={current('batches')}>
            Batches
          </a>
          <a href={href.audit} aria-current={current('audit')}>
            Audit log
          </a>
        </nav>
        <span class={`live live-${live}`} role="status">
          Updates: {liveText[live]}
        </span>
        <span class="who">
          {operator}{' '}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" class="page">
        {page(route)}
      </main>
    </>
  );
}
