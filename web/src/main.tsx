import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import './styles.css';

const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
// For docs/performance.md: when the first screen is up (read with the Performance API).
requestAnimationFrame(() => performance.mark('herald:first-screen'));
