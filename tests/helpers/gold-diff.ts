/**
 * The review decisions that turn a plan's extraction into its gold file, computed from the diff
 * (generic: nothing here knows a seed). Targets pair like the scorer does (same unit and value,
 * similar indicator), then by overlapping quotes; responsibilities pair by quote prefix. Paired
 * facts whose fields differ are edited, the others confirmed; unpaired extracted facts are
 * rejected; unpaired gold facts are added by their quote.
 */
import { dice, norm } from '../../src/eval/score.js';
import type { PlanReview, ReviewFact } from '../../src/index.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type G = any;

export interface GoldDecisions {
  confirm: string[];
  reject: string[];
  /** ref → FIELD=VALUE arguments */
  set: Array<[string, string[]]>;
  add: Array<{ fact: 'target' | 'responsibility'; quote: string; heading: string; args: string[] }>;
}

const TARGET_FIELDS = ['indicator', 'op', 'value', 'value2', 'unit', 'year', 'kind'] as const;
const UNIT: Record<string, string> = { '％': '%', '1/‰': '‰', '/10万': '1/10万', '1/10万': '1/10万', '个百分点': '百分点' };
const normUnit = (u: unknown) => (u == null || u === '' ? null : (UNIT[norm(u)] ?? norm(u)));
const sameVal = (a: unknown, b: unknown) => (a == null && b == null) || (a != null && b != null && Math.abs(Number(a) - Number(b)) < 1e-9);
const show = (v: unknown) => (v === null || v === undefined ? 'null' : Array.isArray(v) ? v.join('、') : String(v));
const overlaps = (a: string, b: string) => {
  const x = norm(a), y = norm(b);
  return !!x && !!y && (x.includes(y) || y.includes(x));
};

/** Greedy one-to-one pairing, best score first (as the scorer does). */
function pair<A, B>(as: A[], bs: B[], score: (a: A, b: B) => number): Array<[number, number]> {
  const cand: Array<[number, number, number]> = [];
  as.forEach((a, i) => bs.forEach((b, j) => { const s = score(a, b); if (s > 0) cand.push([s, i, j]); }));
  cand.sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
  const ai = new Set<number>(), bj = new Set<number>(), out: Array<[number, number]> = [];
  for (const [, i, j] of cand) if (!ai.has(i) && !bj.has(j)) { ai.add(i); bj.add(j); out.push([i, j]); }
  return out;
}

function diff(fields: readonly string[], gold: G, fact: ReviewFact): string[] {
  const f = fact.fields as Record<string, unknown>;
  return fields.filter((k) => show(gold[k]) !== show(f[k])).map((k) => `${k}=${show(gold[k])}`);
}

export function decisionsFromGold(review: PlanReview, gold: G): GoldDecisions {
  const out: GoldDecisions = { confirm: [], reject: [], set: [], add: [] };
  const facts = review.facts.filter((f) => f.status === 'extracted');

  // targets
  const pt = facts.filter((f) => f.fact === 'target');
  const gt: G[] = gold.targets ?? [];
  const F = (f: ReviewFact) => f.fields as Record<string, unknown>;
  const strict = pair(gt, pt, (g, p) => {
    if (normUnit(g.unit) !== normUnit(F(p).unit) || !sameVal(g.value, F(p).value)) return 0;
    const s = dice(g.indicator, F(p).indicator);
    return s >= 0.5 ? s + (overlaps(g.quote, p.quote) ? 1 : 0) : 0;
  });
  const gLeft = gt.map((_, i) => i).filter((i) => !strict.some(([g]) => g === i));
  const pLeft = pt.map((_, j) => j).filter((j) => !strict.some(([, p]) => p === j));
  const loose = pair(gLeft, pLeft, (gi, pj) => (overlaps(gt[gi].quote, pt[pj]!.quote) ? 0.1 + dice(gt[gi].indicator, F(pt[pj]!).indicator) : 0)).map(
    ([a, b]) => [gLeft[a]!, pLeft[b]!] as [number, number],
  );
  const targetPairs = [...strict, ...loose];
  for (const [gi, pj] of targetPairs) {
    const changes = diff(TARGET_FIELDS, gt[gi], pt[pj]!);
    if (changes.length) out.set.push([pt[pj]!.ref, changes]);
    else out.confirm.push(pt[pj]!.ref);
  }
  pt.forEach((p, j) => { if (!targetPairs.some(([, x]) => x === j)) out.reject.push(p.ref); });
  gt.forEach((g, i) => {
    if (targetPairs.some(([x]) => x === i)) return;
    out.add.push({ fact: 'target', quote: g.quote, heading: g.heading, args: TARGET_FIELDS.map((k) => `${k}=${show(g[k])}`) });
  });

  // responsibilities
  const pr = facts.filter((f) => f.fact === 'responsibility');
  const gr: G[] = gold.responsibilities ?? [];
  const key = (q: unknown) => norm(q).slice(0, 10);
  const respPairs = pair(gr, pr, (g, p) => {
    const x = norm(g.quote), y = norm(p.quote);
    if (!x || !y) return 0;
    const k = Math.min(8, x.length, y.length);
    if (!(x.slice(0, k) === y.slice(0, k) || x.includes(key(y)) || y.includes(key(x)))) return 0;
    return 1 + (g.role === F(p).role ? 1 : 0) + (show(g.units) === show(F(p).units) ? 0.5 : 0) + (g.heading === p.heading ? 0.25 : 0);
  });
  for (const [gi, pj] of respPairs) {
    const changes = diff(['role', 'units'], gr[gi], pr[pj]!);
    if (changes.length) out.set.push([pr[pj]!.ref, changes]);
    else out.confirm.push(pr[pj]!.ref);
  }
  pr.forEach((p, j) => { if (!respPairs.some(([, x]) => x === j)) out.reject.push(p.ref); });
  gr.forEach((g, i) => {
    if (respPairs.some(([x]) => x === i)) return;
    out.add.push({ fact: 'responsibility', quote: g.quote, heading: g.heading, args: [`role=${g.role}`, `units=${show(g.units)}`] });
  });
  return out;
}
