/**
 * The console's frame: find out whether this browser is signed in, show the
 * sign-in page or the pages behind it, keep the live stream open while
 * signed in, and move the keyboard focus to each new page's heading.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, onSignedOut, useCsrf } from './api.ts';
import { startLive, stopLive } from './live.ts';
import { followReboots } from './reboots.ts';
import { Shell } from './components/shell.tsx';
import { SignInPage, type SessionInfo } from './pages/sign-in-page.tsx';

export function App() {
  // undefined: still asking the server; null: signed out.
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  useEffect(() => {
    onSignedOut(() => setSession(null));
    api.get<SessionInfo>('/console/session').then(
      (answer) => {
        useCsrf(answer.csrf);
        setSession(answer);
      },
      () => setSession(null),
    );
  }, []);
  useEffect(() => {
    if (!session) return;
    startLive();
    const stopReboots = followReboots();
    return () => {
      stopReboots();
      stopLive();
    };
  }, [session]);

  if (session === undefined) {
    return (
      <main class="page">
        <p>Loading…</p>
      </main>
    );
  }
  if (session === null) {
    return (
      <SignInPage
        onSignedIn={(answer) => {
          useCsrf(answer.csrf);
          setSession(answer);
        }}
      />
    );
  }
  return <Shell operator={session.operator} onSignedOut={() => setSession(null)} />;
}
