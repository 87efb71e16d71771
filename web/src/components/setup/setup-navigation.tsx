import { useEffect, useRef, useState } from 'react';
import { Link } from '../../routing/link.tsx';

const links = [
  { to: '/repositories', label: 'Repositories' },
  { to: '/projects', label: 'Projects' },
  { to: '/users', label: 'Users', adminOnly: true },
];

/**
 * The navigation's "Set up" group (repositories, projects, users): a button that shows and hides
 * its links, closed again by Escape, a click elsewhere, focus leaving it, or following a link.
 */
export function SetupNavigation({ path, isAdmin, onNavigate }: { path: string; isAdmin: boolean; onNavigate(): void }) {
  const [open, setOpen] = useState(false);
  const group = useRef<HTMLLIElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const closeOutside = (event: MouseEvent) => {
      if (!group.current?.contains(event.target as Node)) setOpen(false);
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('mousedown', closeOutside);
    document.addEventListener('keydown', closeOnEscape);
    return () => {
      document.removeEventListener('mousedown', closeOutside);
      document.removeEventListener('keydown', closeOnEscape);
    };
  }, [open]);
  const shown = links.filter((link) => !link.adminOnly || isAdmin);
  const current = shown.some((link) => path === link.to);
  return (
    <li
      className="nav-group"
      ref={group}
      onBlur={(event) => {
        if (!group.current?.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        type="button"
        ref={button}
        className={current ? 'nav-link nav-group-button active' : 'nav-link nav-group-button'}
        aria-expanded={open}
        aria-controls="setup-navigation"
        onClick={() => setOpen(!open)}
      >
        Set up <span aria-hidden="true">▾</span>
      </button>
      <ul id="setup-navigation" className="nav-group-list" hidden={!open}>
        {shown.map((link) => (
          <li key={link.to}>
            <Link
              to={link.to}
              className={path === link.to ? 'nav-link active' : 'nav-link'}
              onClick={() => {
                setOpen(false);
                onNavigate();
              }}
            >
              {link.label}
            </Link>
          </li>
        ))}
      </ul>
    </li>
  );
}
