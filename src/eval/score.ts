/**
 * Scores an extraction against a gold file (FORMAT.md). Same matching as the reference scorer
 * ../shared/hooks/score.mjs, so the numbers agree: greedy one-to-one matching, per-plan pairing by title.
 */
export interface PRF {
  tp: number;
  fp: number;
  fn: number;
  p: number;
  r: number;
  f1: number;
}

export interface Score {
  plans: PRF;
  headings: PRF;
  targets: PRF;
  targetsNumeric: PRF;
  targetsTable: PRF;
  op: { correct: number; of: number };
  year: { correct: number; of: number };
  /** Matched targets whose indicator equals the gold one after removing white space. */
  indicatorExact: { correct: number; of: number };
  /** Target F1 counting a match only when indicator (exact), op and year are right too. */
  targetsStrict: PRF;
  responsibilities: PRF;
  misses: string[];
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

const FW = '０１２３４５６７８９（）：，％．';
const HW = '0123456789():,%.';
export function norm(s: unknown): string {
  if (s == null) return '';
  let t = String(s).normalize('NFKC');
  t = [...t].map((c) => { const i = FW.indexOf(c); return i >= 0 ? HW[i]! : c; }).join('');
  return t.replace(/\s+/g, '').replace(/[。；;：:，,、]+$/u, '');
}
function bigrams(s: string) {
  const a = [...s];
  const m = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) { const b = a[i]! + a[i + 1]!; m.set(b, (m.get(b) || 0) + 1); }
  return m;
}
export function dice(x0: unknown, y0: unknown): number {
  const x = norm(x0), y = norm(y0);
  if (!x || !y) return 0;
  if (x === y) return 1;
  if (x.includes(y) || y.includes(x)) return 0.9;
  const a = bigrams(x), b = bigrams(y);
  let inter = 0, na = 0, nb = 0;
  for (const v of a.values()) na += v;
  for (const v of b.values()) nb += v;
  for (const [k, v] of a) inter += Math.min(v, b.get(k) || 0);
  return na + nb ? (2 * inter) / (na + nb) : 0;
}
const UNIT: Record<string, string> = { '％': '%', '1/‰': '‰', '/10万': '1/10万', '1/10万': '1/10万', '个百分点': '百分点' };
const normUnit = (u: unknown) => { if (u == null || u === '') return null; const n = norm(u); return UNIT[n] || n; };
const sameVal = (a: unknown, b: unknown) => (a == null && b == null) || (a != null && b != null && Math.abs(Number(a) - Number(b)) < 1e-9);

export function prf(tp: number, fp: number, fn: number): PRF {
  const p = tp + fp ? tp / (tp + fp) : fn ? 0 : 1;
  const r = tp + fn ? tp / (tp + fn) : 1;
  const f = p + r ? (2 * p * r) / (p + r) : 0;
  return { tp, fp, fn, p: +p.toFixed(4), r: +r.toFixed(4), f1: +f.toFixed(4) };
}

function match<G, P>(golds: G[], preds: P[], scoreFn: (g: G, p: P) => number) {
  const cand: Array<[number, number, number]> = [];
  golds.forEach((g, i) => preds.forEach((p, j) => { const s = scoreFn(g, p); if (s > 0) cand.push([s, i, j]); }));
  cand.sort((a, b) => b[0] - a[0]);
  const gi = new Set<number>(), pj = new Set<number>(), pairs: Array<[number, number, number]> = [];
  for (const [s, i, j] of cand) { if (gi.has(i) || pj.has(j)) continue; gi.add(i); pj.add(j); pairs.push([i, j, s]); }
  return { pairs, gUn: golds.map((_, i) => i).filter((i) => !gi.has(i)), pUn: preds.map((_, j) => j).filter((j) => !pj.has(j)) };
}

/** Raw counts, so that several files can be summed before computing P/R/F1. */
export interface Counts { P: number[]; H: number[]; T: number[]; TN: number[]; TT: number[]; R: number[]; op: number[]; yr: number[]; ind: number[]; strict: number; misses: string[] }

export function emptyCounts(): Counts {
  return { P: [0, 0, 0], H: [0, 0, 0], T: [0, 0, 0], TN: [0, 0, 0], TT: [0, 0, 0], R: [0, 0, 0], op: [0, 0], yr: [0, 0], ind: [0, 0], strict: 0, misses: [] };
}

export function countFile(gold: J, pred: J, acc: Counts = emptyCounts()): Counts {
  const add = (a: number[], tp: number, fp: number, fn: number) => { a[0]! += tp; a[1]! += fp; a[2]! += fn; };
  const misses = acc.misses;
  const gPlans: J[] = gold.plans || [], pPlans: J[] = pred.plans || [];
  const size = (p: J) => (p.headings || []).length + (p.targets || []).length + (p.responsibilities || []).length;
  const pm = match(gPlans, pPlans, (g, p) => { const s = dice(g.title, p.title); return s >= 0.5 ? s + Math.min(size(p), 1000) / 1e6 : 0; });
  add(acc.P, pm.pairs.length, pm.pUn.length, pm.gUn.length);
  const num = (t: J) => t.value != null;
  const tab = (t: J) => t.kind === 'table';
  for (const gi of pm.gUn) {
    const g = gPlans[gi];
    add(acc.H, 0, 0, (g.headings || []).length); add(acc.T, 0, 0, (g.targets || []).length);
    add(acc.TN, 0, 0, (g.targets || []).filter(num).length); add(acc.TT, 0, 0, (g.targets || []).filter(tab).length);
    add(acc.R, 0, 0, (g.responsibilities || []).flatMap((r: J) => r.units).length);
    misses.push(`plan FN ${g.title}`);
  }
  for (const pj of pm.pUn) {
    const p = pPlans[pj];
    add(acc.H, 0, (p.headings || []).length, 0); add(acc.T, 0, (p.targets || []).length, 0);
    add(acc.TN, 0, (p.targets || []).filter(num).length, 0); add(acc.TT, 0, (p.targets || []).filter(tab).length, 0);
    add(acc.R, 0, (p.responsibilities || []).flatMap((r: J) => r.units || []).length, 0);
    misses.push(`plan FP ${p.title}`);
  }
  for (const [gi, pj] of pm.pairs) {
    const g = gPlans[gi], p = pPlans[pj];
    const hm = match<J, J>(g.headings || [], p.headings || [], (a, b) => (a.level === b.level && norm(a.title) === norm(b.title) ? 1 : 0));
    add(acc.H, hm.pairs.length, hm.pUn.length, hm.gUn.length);
    for (const i of hm.gUn) misses.push(`heading FN [${g.title}] ${g.headings[i].marker}${g.headings[i].title}`);
    for (const j of hm.pUn) misses.push(`heading FP [${g.title}] ${p.headings[j].marker || ''}${p.headings[j].title}`);
    const gt: J[] = g.targets || [], pt: J[] = p.targets || [];
    const tm = match(gt, pt, (a, b) => {
      if (normUnit(a.unit) !== normUnit(b.unit) || !sameVal(a.value, b.value)) return 0;
      const s = dice(a.indicator, b.indicator); return s >= 0.5 ? s : 0;
    });
    add(acc.T, tm.pairs.length, tm.pUn.length, tm.gUn.length);
    add(acc.TN, tm.pairs.filter(([i]) => num(gt[i])).length, tm.pUn.filter((j) => num(pt[j])).length, tm.gUn.filter((i) => num(gt[i])).length);
    add(acc.TT, tm.pairs.filter(([i]) => tab(gt[i])).length, tm.pUn.filter((j) => tab(pt[j])).length, tm.gUn.filter((i) => tab(gt[i])).length);
    for (const [i, j] of tm.pairs) {
      acc.op[1]!++; if (gt[i].op === pt[j].op) acc.op[0]!++; else misses.push(`op   [${g.title}] ${gt[i].indicator} gold ${gt[i].op} got ${pt[j].op}`);
      acc.ind[1]!++; const indOk = norm(gt[i].indicator) === norm(pt[j].indicator);
      if (indOk) acc.ind[0]!++; else misses.push(`name [${g.title}] gold ${gt[i].indicator} got ${pt[j].indicator}`);
      if (indOk && gt[i].op === pt[j].op && (gt[i].year == null || Number(pt[j].year) === Number(gt[i].year))) acc.strict++;
      if (gt[i].year != null) { acc.yr[1]!++; if (Number(pt[j].year) === Number(gt[i].year)) acc.yr[0]!++; else misses.push(`year [${g.title}] ${gt[i].indicator} gold ${gt[i].year} got ${pt[j].year}`); }
    }
    for (const i of tm.gUn) misses.push(`target FN [${g.title}] ${gt[i].indicator} ${gt[i].op} ${gt[i].value ?? ''}${gt[i].unit ?? ''} «${gt[i].quote}»`);
    for (const j of tm.pUn) misses.push(`target FP [${g.title}] ${pt[j].indicator} ${pt[j].op} ${pt[j].value ?? ''}${pt[j].unit ?? ''} «${(pt[j].quote || '').slice(0, 40)}»`);
    const gr: J[] = g.responsibilities || [], pr: J[] = p.responsibilities || [];
    const key = (q: unknown) => norm(q).slice(0, 10);
    const rm = match(gr, pr, (a, b) => {
      const x = norm(a.quote), y = norm(b.quote); if (!x || !y) return 0;
      const k = Math.min(8, x.length, y.length);
      if (x.slice(0, k) === y.slice(0, k) || x.includes(key(y)) || y.includes(key(x))) return 1 + (a.role === b.role ? 1 : 0);
      return 0;
    });
    for (const [i, j] of rm.pairs) {
      const gs = new Set<string>(gr[i].units.map((u: string) => gr[i].role + ':' + norm(u)));
      const ps = new Set<string>((pr[j].units || []).map((u: string) => pr[j].role + ':' + norm(u)));
      let tp = 0; for (const x of ps) if (gs.has(x)) tp++;
      add(acc.R, tp, ps.size - tp, gs.size - tp);
      for (const x of gs) if (!ps.has(x)) misses.push(`unit FN [${g.title}] «${gr[i].quote.slice(0, 20)}» ${x}`);
      for (const x of ps) if (!gs.has(x)) misses.push(`unit FP [${g.title}] «${gr[i].quote.slice(0, 20)}» ${x}`);
    }
    for (const i of rm.gUn) { add(acc.R, 0, 0, gr[i].units.length); misses.push(`resp FN [${g.title}] «${gr[i].quote}» ${gr[i].role}: ${gr[i].units.join('、')}`); }
    for (const j of rm.pUn) { add(acc.R, 0, (pr[j].units || []).length, 0); misses.push(`resp FP [${g.title}] «${(pr[j].quote || '').slice(0, 30)}» ${pr[j].role}: ${(pr[j].units || []).join('、')}`); }
  }
  return acc;
}

export function scoreOf(c: Counts): Score {
  const f = (a: number[]) => prf(a[0]!, a[1]!, a[2]!);
  return {
    plans: f(c.P), headings: f(c.H), targets: f(c.T), targetsNumeric: f(c.TN), targetsTable: f(c.TT),
    op: { correct: c.op[0]!, of: c.op[1]! }, year: { correct: c.yr[0]!, of: c.yr[1]! },
    indicatorExact: { correct: c.ind[0]!, of: c.ind[1]! },
    targetsStrict: prf(c.strict, c.T[1]! + (c.T[0]! - c.strict), c.T[2]! + (c.T[0]! - c.strict)),
    responsibilities: f(c.R), misses: c.misses,
  };
}

export function scoreFile(gold: J, pred: J): Score {
  return scoreOf(countFile(gold, pred));
}

export function formatScore(s: Score, verbose = false): string {
  const line = (n: string, m: PRF) => `${n.padEnd(18)} P ${m.p.toFixed(3)}  R ${m.r.toFixed(3)}  F1 ${m.f1.toFixed(3)}  (tp ${m.tp} fp ${m.fp} fn ${m.fn})`;
  const acc = (a: { correct: number; of: number }) => `${a.correct}/${a.of}${a.of ? ` = ${(a.correct / a.of).toFixed(3)}` : ''}`;
  const out = [
    line('plans', s.plans), line('headings', s.headings), line('targets', s.targets), line('  numeric', s.targetsNumeric),
    line('  table rows', s.targetsTable), `op accuracy        ${acc(s.op)}`, `year accuracy      ${acc(s.year)}`,
    `indicator exact    ${acc(s.indicatorExact)}`, line('targets strict', s.targetsStrict), line('responsibilities', s.responsibilities),
  ];
  if (verbose) for (const m of s.misses) out.push('  ' + m);
  return out.join('\n');
}
