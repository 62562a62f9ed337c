/** Entry point: styles, the server probes, and the app into #app. */
import { render } from 'preact';
import { App } from './app.js';
import { probeServer } from './lib/server-facts.js';
import { loadSession } from './lib/session.js';
import './styles/app.css';

void probeServer();
void loadSession();
render(<App />, document.getElementById('app')!);
