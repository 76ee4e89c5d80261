/** The deadline that applies: the year written, else the plan's end year. */
export function effectiveYear(year: number | null, period: [number, number] | null): number | null {
  return year ?? period?.[1] ?? null;
}
