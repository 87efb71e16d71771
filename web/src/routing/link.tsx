import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { useRouter } from './router.tsx';

/** A real link (it can be opened in a new tab) that navigates inside the page on a plain click. */
export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const { navigate, path } = useRouter();
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  const current = path === to.split('?')[0];
  return <a href={to} onClick={handleClick} aria-current={current ? 'page' : undefined} {...rest} />;
}
