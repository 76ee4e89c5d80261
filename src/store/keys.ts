/** Keys the writer stores and the queries match on (kept free of the build side's imports). */

/** Indicator names that differ only in spacing, width or brackets group together (= indicatorKey in db.ts). */
export function indicatorKey(s: string): string {
  return s.normalize('NFKC').replace(/[\s　]/g, '').replace(/（/g, '(').replace(/）/g, ')').toLowerCase();
}
