import { useEffect, useState } from 'preact/hooks';
import type { SeriesModel } from '../lib/series-model.js';

/** Renders the caller again whenever the model changes (at most once a frame). */
export function useModelVersion(model: SeriesModel): number {
  const [version, setVersion] = useState(0);
  useEffect(() => model.subscribe(() => setVersion((v) => v + 1)), [model]);
  return version;
}
