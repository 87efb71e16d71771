import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { RouterProvider } from './routing/router.tsx';
import { SessionProvider } from './session/session-provider.tsx';
import { applyTheme, storedTheme } from './theme/theme.ts';
import './styles.css';

applyTheme(storedTheme());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <RouterProvider>
      <SessionProvider>
        <App />
      </SessionProvider>
    </RouterProvider>
  </StrictMode>,
);
