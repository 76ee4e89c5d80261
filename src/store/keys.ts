/** Keys that identify facts across files and formats. */
import { sha256 } from '../pipeline.js';

/** Key that identifies a plan whatever file format it came from. */
export function planKey(title: string, region: string | null, period: [number, number] | null): string {
  const t = title.normalize('NFKC').replace(/[\s“”"「」]/g, '').replace(/[（(].*?[）)]$/u, '');
  return sha256(`${t}|${region ?? ''}|${period?.join('-') ?? ''}`).slice(0, 24);
}

/** Indicator names that differ only in spacing, width or brackets group together. */
export function indicatorKey(s: string): string {
  return s.normalize('NFKC').replace(/[\s　]/g, '').replace(/（/g, '(').replace(/）/g, ')').toLowerCase();
}
