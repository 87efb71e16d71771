import { useEffect, useState } from 'react';

/** Below this width the side-by-side diff has no room: the diff is unified only. */
const narrowQuery = '(max-width: 699.98px)';

/** True while the window is narrower than 700 px. */
export function useNarrowScreen(): boolean {
  const [narrow, setNarrow] = useState(() => window.matchMedia(narrowQuery).matches);
  useEffect(() => {
    const query = window.matchMedia(narrowQuery);
    const onChange = () => setNarrow(query.matches);
    onChange();
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return narrow;
}
