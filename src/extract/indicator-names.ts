/** How an indicator name is completed and cleaned once cut from its clause: lists, carried words, context, place. */
import nodejieba from 'nodejieba';
import type { Plan } from '../segment/types.js';
import type { Model } from './targets.js';

/** Trailing filler words, except where the word ends an action verb (有 in 建有, 设有): the verb is cut whole later. */
export function trailWordsRe(words: string[], verbs: string[]): RegExp {
  const esc = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parts = [...words].sort((a, b) => b.length - a.length).map((w) => {
    const heads = verbs.filter((v) => v.length > w.length && v.endsWith(w)).map((v) => esc(v.slice(0, -w.length)));
    return heads.length ? `(?<!${heads.join('|')})${esc(w)}` : esc(w);
  });
  return new RegExp(`(?:${parts.join('|')})+$`, 'u');
}

/** An actor written before the verb (市检察院建成1个…): a unit, not part of what is measured. */
export const ACTOR_RE = /^(?:[省市县区]|团[市县区]委).{1,8}(?:局|委|办|院|联|会)$/u;

/** Lists share their parts: 小学、初中、高中生每日睡眠 → 小学生每日睡眠…; 学生每天校内、校外 → 学生每天校外; 新生儿、婴儿和5岁以下儿童死亡率 → 新生儿死亡率. */
export function shareParts(names0: string[], md: Model, cut: (s: string) => string[]): string[] {
  let names = [...names0];
  const last = names[names.length - 1]!;
  const earlier = names.slice(0, -1);
  const L = earlier[0]!.length;
  if (L <= 4 && earlier.every((n) => n.length === L) && last.length > L + 1) {
    // parallel short items before a long last one: the last one's tail is shared
    const suffix = last.slice(L);
    names = names.map((n, i) => (i < names.length - 1 && !n.endsWith(suffix) ? n + suffix : n));
  } else {
    const toks = cut(last);
    const head = toks[toks.length - 1] ?? '';
    if (/[率数比]$/.test(head) && head.length >= 2)
      names = names.map((n, i) => (i < names.length - 1 && !n.endsWith(head.slice(-1)) ? n + head : n));
  }
  // parallel items after a long first one: the first one's subject is shared
  // (学生每天校内、校外; 5岁以下儿童贫血患病率、生长迟缓率; 在用大型游乐设施定期检查率和检验合格率)
  const first = names[0]!;
  const later = names.slice(1);
  const M = later[0]!.length;
  const noPop = (n: string) => !md.popRe || !md.popRe.test(n);
  const rates = first.endsWith('率') && later.every((n) => n.endsWith('率'));
  const bare = rates && later.every((n) => n.length <= 3 && noPop(n));
  if (!bare && later.every((n) => n.length === M && noPop(n)) && first.length > M + 1) {
    const prefix = first.slice(0, first.length - M);
    if ((md.popRe && md.popRe.test(prefix)) || (rates && M <= 6)) names = [first, ...later.map((n) => prefix + n)];
  } else if (bare) {
    // 儿童药品质量抽验生产企业覆盖率与合格率: a bare measure takes the first one's text up to its last verb
    const toks = nodejieba.tag(first);
    let at = -1, pos = 0;
    for (const t of toks) { pos += t.word.length; if (t.tag === 'v' && pos < first.length - 1) at = pos; }
    if (at > 1) names = [first, ...later.map((n) => first.slice(0, at) + n)];
  }
  // 新增A、B → 新增B; within one list the level goes with it: 新增省五星级普通高中、四星级普通高中 → 新增省四星级普通高中
  const lead = md.sharedLeadRe?.exec(first)?.[0];
  if (lead) {
    const level = /^(?:省级?|[市县区]级)/u.exec(first.slice(lead.length))?.[0] ?? '';
    names = names.map((n) => (md.verbStartRe.test(n) || n.startsWith(lead) ? n : lead + (/^(?:省|[市县区])/u.test(n) ? '' : level) + n));
  }
  return names;
}

/**
 * A bare measure (访视率, 管理率) takes what it measures from its own sentence: 加强新生儿规范化访视，访视率保持在90%以上
 * → 新生儿访视率; 开展0—6岁儿童健康管理工作，管理率… → 0—6岁儿童健康管理率. Manner words (规范化) are dropped.
 */
export function contextName(name: string, prior: string, md: Model): string {
  if (!/^[\u4e00-\u9fa5]{1,3}率$/u.test(name) || !md.popRe) return name;
  const stem = name.slice(0, -1);
  const at = prior.lastIndexOf(stem);
  if (at < 0) return name;
  let cs = at;
  while (cs > 0 && !md.clauseEnd.test(prior[cs - 1]!)) cs--;
  const phrase = prior.slice(cs, at);
  const pop = new RegExp(`[\\d０-９]*(?:[-—–～~至][\\d０-９]+)?岁?(?:以下|以上)?(?:${md.popRe.source})`, 'u').exec(phrase);
  if (!pop) return name;
  const middle = phrase.slice(pop.index + pop[0].length).replace(/[\u4e00-\u9fa5]{1,3}化/gu, '');
  return pop[0] + middle + name;
}

export interface CarryState { lead: string | null; pop: string | null }

/** Carries a change word (新增) over count clauses, and a population over bare measures, within one sentence. */
export function carryLead(name: string, hit: { count: boolean }, st: CarryState, md: Model): string {
  let n = name;
  const lead = md.sharedLeadRe?.exec(n)?.[0] ?? null;
  if (hit.count) {
    if (lead) st.lead = lead;
    else if (st.lead && !md.verbStartRe.test(n) && !md.verbAnyRe.test(n)) n = st.lead + n;
  } else st.lead = null;
  if (md.popRe) {
    const pm = new RegExp(`^.{0,8}?(?:${md.popRe.source})`, 'u').exec(n);
    if (pm) st.pop = n.endsWith('率') ? pm[0] : null;
    else if (st.pop && n.endsWith('率') && n.length <= 8) n = st.pop + n;
    else st.pop = null;
  }
  return n;
}

/** The plan's own place written before a name (苏州儿童“关爱之家”覆盖率 in 苏州's plan) is not part of it. */
export function stripRegion(name: string, plan: Plan): string {
  const bare = (plan.region ?? '').replace(/(?:市|县|区)$/u, '');
  if (bare.length < 2 || !name.startsWith(bare)) return name;
  const rest = name.slice(bare.length);
  return /^[市县区级省]/u.test(rest) || rest.length < 2 ? name : rest;
}
