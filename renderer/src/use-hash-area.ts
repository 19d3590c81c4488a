import { useEffect, useState } from 'react';
import { areaFromHash, type AreaId } from './areas';

/** The area in the address bar's hash, following back/forward navigation. */
export function useHashArea(): AreaId {
  const [area, setArea] = useState<AreaId>(() => areaFromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setArea(areaFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return area;
}
