import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link } from '../routing/link.tsx';
import { useRouter } from '../routing/router.tsx';
import { useRoleAtLeast, useSession } from '../session/session-provider.tsx';
import { ThemeToggle } from '../theme/theme-toggle.tsx';
import { ConnectionIndicator } from './connection-indicator.tsx';
import { AgentPausedBanner } from './agent-paused-banner.tsx';
import { ConnectionBanner } from './connection-banner.tsx';
import { useApprovalsWaiting } from '../live/use-approvals-waiting.ts';
import { SetupNavigation } from './setup/setup-navigation.tsx';

interface NavigationEntry {
  to: string;
  label: string;
  adminOnly?: boolean;
}

const entries: NavigationEntry[] = [
  { to: '/', label: 'Overview' },
  { to: '/operations', label: 'Operations' },
  { to: '/approvals', label: 'Approvals' },
  { to: '/issues', label: 'Issues' },
  { to: '/deployments', label: 'Deployments' },
  { to: '/self-updates', label: 'Self-updates' },
  { to: '/audit', label: 'Audit log', adminOnly: true },
  { to: '/settings', label: 'Settings', adminOnly: true },
];

function isCurrent(entry: string, path: string): boolean {
  return entry === '/' ? path === '/' : path === entry || path.startsWith(`${entry}/`);
}

/** The frame of every signed-in page: navigation, who is signed in, theme, live status. */
export function AppLayout({ children }: { children: ReactNode }) {
  const { user, signOut } = useSession();
  const isAdmin = useRoleAtLeast('admin');
  const { path } = useRouter();
  const [menuOpen, setMenuOpen] = useState(false);
  // After moving to another page, keyboard and screen-reader users start at its content, as after a load.
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef(path);
  useEffect(() => {
    if (path !== shownPath.current) main.current?.focus({ preventScroll: true });
    shownPath.current = path;
  }, [path]);
  const visible = entries.filter((entry) => !entry.adminOnly || isAdmin);
  const waiting = useApprovalsWaiting();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <svg viewBox="0 0 32 32" width="24" height="24" aria-hidden="true">
            <rect width="32" height="32" rx="7" fill="currentColor" />
            <path d="M8 22V10l8 7 8-7v12" fill="none" stroke="var(--surface)" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          Mender
        </Link>
        <ConnectionIndicator />
        <button
          type="button"
          className="button subtle menu-button"
          aria-expanded={menuOpen}
          aria-controls="main-navigation"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <div className={`topbar-end ${menuOpen ? 'open' : ''}`}>
          <nav id="main-navigation" aria-label="Main">
            <ul>
              {visible.map((entry) => (
                <li key={entry.to}>
                  <Link to={entry.to} className={isCurrent(entry.to, path) ? 'nav-link active' : 'nav-link'} onClick={() => setMenuOpen(false)}>
                    {entry.label}
                    {entry.to === '/approvals' && waiting ? (
                      // Read as "Approvals 3 waiting": the number says what it counts, and the name is
                      // made of what is seen (no aria-label), so that speech input finds the link.
                      <span className="count-badge" data-testid="approvals-badge">
                        <span className="visually-hidden"> </span>
                        {waiting}
                        <span className="visually-hidden"> waiting</span>
                      </span>
                    ) : null}
                  </Link>
                </li>
              ))}
              <SetupNavigation path={path} isAdmin={isAdmin} onNavigate={() => setMenuOpen(false)} />
            </ul>
          </nav>
          <div className="user-box">
            <span className="user-name" data-testid="signed-in-user">
              {user?.name} <span className="muted">({user?.role})</span>
            </span>
            <ThemeToggle />
            <button type="button" className="button subtle" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <ConnectionBanner />
      <AgentPausedBanner />
      <main id="main" tabIndex={-1} ref={main}>
        {children}
      </main>
    </div>
  );
}
