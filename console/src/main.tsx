/**
 * The imago fleet web console, served by `imago fleet serve` at `/`.
 *
 * Why Preact: components and hooks like React's in about 5 kB gzipped, with
 * JSX that esbuild (already how imago bundles its init) compiles without a
 * plugin or a second build tool. Lit was the other candidate; its web
 * components put each part in a shadow DOM, which makes forms, labels and
 * the accessibility checks harder, for no gain in a single-page console.
 * Everything is bundled into /app.js and /app.css: no CDN, works offline.
 */
import { render } from 'preact';
import './app.css';
import { App } from './app.tsx';

render(<App />, document.getElementById('app')!);
