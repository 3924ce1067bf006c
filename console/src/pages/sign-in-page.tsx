/** The sign-in page: operator name and password, refusals said in words (and the wait after too many). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';

export interface SessionInfo {
  operator: string;
  csrf: string;
  expiresAt: number;
}

export function SignInPage({ onSignedIn }: { onSignedIn: (session: SessionInfo) => void }) {
  const [operator, setOperator] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = 'Sign in · imago fleet';
    heading.current?.focus();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await api.post<SessionInfo>('/console/sign-in', { operator, password }));
    } catch (failure) {
      setPassword('');
      setError(failure instanceof ApiError && failure.status === 429 ? `Too many failed attempts. Try again in ${failure.retryAfter ?? 'a few'} seconds.` : failure instanceof ApiError && failure.status === 401 ? 'Wrong operator name or password.' : `Sign-in failed: ${(failure as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="page sign-in" id="main">
      <h1 tabIndex={-1} ref={heading}>
        imago fleet
      </h1>
      <form onSubmit={submit} class="card" aria-describedby="sign-in-error">
        <h2>Sign in</h2>
        <label for="operator">Operator</label>
        <input id="operator" name="username" autocomplete="username" required value={operator} onInput={(e) => setOperator(e.currentTarget.value)} />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <p id="sign-in-error" class="error" role="alert">
          {error}
        </p>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
