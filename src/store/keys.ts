/** Keys the writer stores and the queries match on (kept free of the build side's imports). */
import { createHash } from 'node:crypto';

/** Key that identifies a plan whatever file format it came from. */
export function planKey(title: string, region: string | null, period: [number, number] | null): string {
  const t = title.normalize('NFKC').replace(/[\s“”"「」]/g, '').replace(/[（(].*?[）)]$/u, '');
  return createHash('sha256').update(`${t}|${region ?? ''}|${period?.join('-') ?? ''}`).digest('hex').slice(0, 24);
}

/** Indicator names that differ only in spacing, width or brackets group together. */
export function indicatorKey(s: string): string {
  return s.normalize('NFKC').replace(/[\s　]/g, '').replace(/（/g, '(').replace(/）/g, ')').toLowerCase();
}
