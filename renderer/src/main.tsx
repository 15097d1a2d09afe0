import { createRoot } from 'react-dom/client';

// Replaced by the trader's window (issue 7); present so the build pipeline is whole.
createRoot(document.getElementById('root')!).render(<p>Lockstep</p>);
