import type { Op, Rules } from '../rules/index.js';
import { alternation } from '../rules/compiled.js';
import { cnToNumber } from '../segment/index.js';
import { ACTOR_RE, carryLead, contextName, shareParts, stripRegion, trailWordsRe, type CarryState } from './indicator-names.js';
import type { Item, ItemKind, Plan, Table } from '../segment/types.js';

/** A numeric or qualitative commitment, with its span in the normalized text. */
export interface TargetFact {
  item: number | null;
  table: number | null;
  indicator: string;
  op: Op;
  value: number | null;
  value2: number | null;
  unit: string | null;
  /** deadline year written in the text (or the table column's year) */
  year: number | null;
  baseline: number | null;
  baselineYear: number | null;
  kind: ItemKind;
  start: number;
  end: number;
  ruleId: string;
  /** catalogue entry (extract-rules/indicator-catalogue.yaml) the indicator stands for, if any */
  indicatorId?: string | null;
}

interface ValueHit {
  start: number; // of the number
  end: number; // after unit + after-comparator
  numEnd: number;
  value: number;
  value2: number | null;
  unit: string;
  unitEnd: number;
  afterOp: Op | null;
  cn: boolean;
  scope: boolean;
  count: boolean;
}

export interface Model {
  valueRe: RegExp;
  units: Map<string, { normal: string; count: boolean; scope: boolean }>;
  beforeWords: Array<{ word: string; op: Op; id: string }>;
  afterRe: RegExp;
  afterOps: Map<string, Op>;
  qualitative: Array<{ words: string[]; op: Op }>;
  leadRe: RegExp;
  trailRe: RegExp;
  nameTrailRe: RegExp;
  sharedLeadRe: RegExp | null;
  popRe: RegExp | null;
  verbAnyRe: RegExp;
  keptVerbRe: RegExp | null;
  verbEndRe: RegExp;
  verbStartRe: RegExp;
  verbOnlyRe: RegExp;
  clauseEnd: RegExp;
  reviewSentence: RegExp;
  structuralRe: RegExp;
  rateRe: RegExp;
  /** bound words (至少, 不超过…) that set the op of a value anywhere later in their clause */
  clauseOps: Array<[RegExp, Op]>;
}

const cache = new WeakMap<Rules, Model>();

const NUM = '(?:\\d+(?:\\.\\d+)?|[一二两三四五六七八九十百千]+)';

function model(rules: Rules): Model {
  const hit = cache.get(rules);
  if (hit) return hit;
  const units = new Map(rules.measureUnits.units.map((u) => [u.text, { normal: u.normal, count: u.count, scope: u.scope }]));
  const unitAlt = alternation([...units.keys()]);
  const valueRe = new RegExp(
    `(?<![\\dA-Za-z.\\/])(?<v1>${NUM})(?:\\s*(?:-|—|–|~|～|至|到)\\s*(?<v2>${NUM}))?\\s*(?<unit>${unitAlt})`,
    'gu',
  );
  const beforeWords = rules.comparators.before
    .flatMap((b) => b.words.map((word) => ({ word, op: b.op, id: b.id })))
    .sort((a, b) => b.word.length - a.word.length);
  const afterOps = new Map<string, Op>();
  for (const a of rules.comparators.after) for (const w of a.words) afterOps.set(w, a.op);
  const ind = rules.indicators;
  const m: Model = {
    valueRe,
    units,
    beforeWords,
    afterRe: new RegExp(`^\\s*(${alternation([...afterOps.keys()])})`, 'u'),
    afterOps,
    qualitative: rules.comparators.qualitative,
    leadRe: new RegExp(`^(?:(?:到|至|在|于)?20\\d\\d年(?:底|末|前|度)?[，,]?|${[alternation(ind.lead_words), ...ind.lead_patterns].join('|')})+`, 'u'),
    trailRe: trailWordsRe(ind.trail_words, ind.action_verbs),
    nameTrailRe: new RegExp(`(?:${ind.name_trail_words.length ? alternation(ind.name_trail_words) : '(?!)'}|每[年周月天日])$`, 'u'),
    sharedLeadRe: ind.shared_lead_words.length ? new RegExp(`^(?:${alternation(ind.shared_lead_words)})`, 'u') : null,
    popRe: ind.populations.length ? new RegExp(`(?:${alternation(ind.populations)})(?![园所院])`, 'u') : null,
    verbAnyRe: new RegExp(alternation(ind.action_verbs), 'u'),
    keptVerbRe: ind.kept_verbs.length ? new RegExp(`(?:${alternation(ind.kept_verbs)})$`, 'u') : null,
    verbEndRe: new RegExp(`(?:${alternation(ind.action_verbs)})$`, 'u'),
    verbStartRe: new RegExp(`^(?:${alternation(ind.action_verbs)})`, 'u'),
    verbOnlyRe: new RegExp(`^(?:${alternation(ind.action_verbs)})*$`, 'u'),
    clauseEnd: new RegExp(ind.clause_end, 'u'),
    reviewSentence: new RegExp(rules.sections.review_sentences.join('|'), 'u'),
    structuralRe: new RegExp(`^(?:${alternation(ind.structural_nouns)})(?:$|[，,。；;、])`, 'u'),
    rateRe: /(?:率|比例|比重|占比|数|水平|浓度|寿命|人口|时间|时长|床位|[）)])$/u,
    clauseOps: (['>=', '<='] as Op[]).map((o) => {
      const words = rules.comparators.before.filter((b) => b.op === o).flatMap((b) => b.words).filter((w) => w.length >= 2 && !/[<>=]/.test(w));
      return [new RegExp(alternation(words), 'u'), o] as [RegExp, Op];
    }),
  };
  cache.set(rules, m);
  return m;
}

const toNumber = (s: string): number | null => (/^\d/.test(s) ? Number(s) : cnToNumber(s));

/** Years written as deadlines in a sentence: [offset, year]. Baselines (以2020年为基数) and periods (2021-2035年) are not deadlines. */
function deadlines(s: string, plan: Plan): Array<{ at: number; year: number }> {
  const out: Array<{ at: number; year: number }> = [];
  for (const m of s.matchAll(/(?<![\d\-—–~])((?:19|20)\d\d)\s*年(?:底|末|前|年底|度)?(?![\d]|[-—–~至到]\d|为基|基础|起|以来|的)/gu)) {
    const y = Number(m[1]);
    const pre = s.slice(Math.max(0, m.index! - 2), m.index!);
    if (/以|比$/.test(pre)) continue;
    if (plan.period && y < plan.period[0]) continue;
    out.push({ at: m.index!, year: y });
  }
  for (const m of s.matchAll(/“?十[四五六]五”?(?:期末|末)/gu)) if (plan.period) out.push({ at: m.index!, year: plan.period[1] });
  return out.sort((a, b) => a.at - b.at);
}

function baselineOf(s: string): number | null {
  const m = /以\s*((?:19|20)\d\d)\s*年为基[数准]|在\s*((?:19|20)\d\d)\s*年(?:的)?基础上|[比较]\s*((?:19|20)\d\d)\s*年/u.exec(s);
  return m ? Number(m[1] ?? m[2] ?? m[3]) : null;
}

/** Value hits in a sentence, with the exclusions that make a number not a commitment. */
function valueHits(s: string, md: Model, cut?: (t: string) => string[]): ValueHit[] {
  const hits: ValueHit[] = [];
  md.valueRe.lastIndex = 0;
  for (const m of s.matchAll(md.valueRe)) {
    const g = m.groups!;
    const v1s = g.v1!;
    const unitText = g.unit!;
    const u = md.units.get(unitText)!;
    const start = m.index!;
    const unitEnd = start + m[0].length;
    const cn = !/^\d/.test(v1s);
    const value = toNumber(v1s);
    const value2 = g.v2 ? toNumber(g.v2) : null;
    if (value === null) continue;
    // years and dates
    if (!cn && /^(?:19|20)\d\d$/.test(v1s) && (unitText === '年' || /^[年月]/.test(s.slice(start + v1s.length)))) continue;
    const prev = s.slice(Math.max(0, start - 1), start);
    const prev2 = s.slice(Math.max(0, start - 2), start);
    if (prev === '每' || prev === '第' || prev === '以' || prev2 === '每个' || /[《]/.test(prev)) continue;
    // inside 《…》
    const open = s.lastIndexOf('《', start);
    if (open >= 0 && s.indexOf('》', open) > start) continue;
    // 十四五, 个月 as 个 + 月, 一个 without a comparator…
    const after = s.slice(unitEnd);
    if (unitText === '个' && /^月/.test(after)) continue;
    if (u.count && !cn && /^[\u4e00-\u9fa5]{1,4}的/u.test(after) && !/^(?:以上|以下|左右)/.test(after)) continue;
    // 110处置: the unit character is the start of a word, not a measure word
    if (u.count && unitText.length === 1 && cut && !md.afterRe.test(s.slice(unitEnd))) {
      const first = cut(s.slice(unitEnd - 1, unitEnd + 3))[0] ?? '';
      if (first.length > 1 && first.startsWith(unitText) && !/^(?:个|所|名|家|项|次)/.test(first.slice(1))) continue;
    }
    let afterOp: Op | null = null;
    let end = unitEnd;
    const am = md.afterRe.exec(after);
    if (am) {
      afterOp = md.afterOps.get(am[1]!)!;
      end = unitEnd + am[0].length;
    }
    // age/period units scope a population: 0-6岁儿童, 3岁以下婴幼儿, 15分钟生活圈
    if (u.scope && /^[\u4e00-\u9fa5“（(]/u.test(s.slice(end))) continue;
    if (u.count && md.structuralRe.test(s.slice(end))) continue;
    hits.push({ start, end, numEnd: start + v1s.length, value, value2, unit: u.normal, unitEnd, afterOp, cn, scope: u.scope, count: u.count });
  }
  // fractions: 下降1/5 is a share, stored as a percentage (20 %)
  for (const m of s.matchAll(/(?<![\d.\/])(\d{1,2})\/(\d{1,2})(?![\d.万%％‰])/gu)) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const start = m.index!;
    if (!b || a >= b || hits.some((h) => start >= h.start && start < h.end)) continue;
    const unitEnd = start + m[0].length;
    const am = md.afterRe.exec(s.slice(unitEnd));
    const afterOp = am ? md.afterOps.get(am[1]!)! : null;
    const value = Math.round((a / b) * 10000) / 100;
    hits.push({ start, end: unitEnd + (am ? am[0].length : 0), numEnd: unitEnd, value, value2: null, unit: '%', unitEnd, afterOp, cn: false, scope: false, count: false });
  }
  return hits.sort((x, y) => x.start - y.start);
}

function beforeComparator(s: string, at: number, md: Model): { op: Op; start: number; id: string } | null {
  let p = at;
  while (p > 0 && /[\s分别均都各]/.test(s[p - 1]!)) {
    // 分别/均/各 sit between the comparator and the number
    if (s.slice(p - 2, p) === '分别') p -= 2;
    else p--;
  }
  for (const b of md.beforeWords) {
    if (s.slice(p - b.word.length, p) === b.word) return { op: b.op, start: p - b.word.length, id: b.id };
  }
  return null;
}


function combineOps(before: Op | null, after: Op | null, range: boolean): Op {
  if (range) return 'range';
  if (after) return after;
  if (before) return before;
  return '=';
}

const splitList = (s: string): string[] => {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if ('（(“《'.includes(ch)) depth++;
    if ('）)”》'.includes(ch)) depth = Math.max(0, depth - 1);
    if (depth === 0 && (ch === '、' || ch === '和' || ch === '及' || ch === '与') && cur) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur) out.push(cur);
  return out;
};

function stripVerbs(s: string, md: Model): string {
  let t = s;
  for (let k = 0; k < 3; k++) t = t.replace(md.verbEndRe, '').replace(md.trailRe, '');
  return t;
}

function cleanIndicator(s: string, md: Model): string {
  // baselines and rates belong in their own fields: 儿童伤害死亡率以2020年为基数 → 儿童伤害死亡率
  let t = s.replace(/\s+/g, '').replace(/(?:以|在|比)(?:19|20)\d\d年(?:的)?(?:为基[数准]|基础上|水平)?|每年$|逐年$/gu, '');
  for (let k = 0; k < 3; k++) {
    t = t.replace(md.leadRe, '').replace(md.trailRe, '');
    t = t.replace(/^[，,、：:（）()]+|[，,、：:]+$/gu, '');
  }
  return t;
}

export interface ExtractContext {
  rules: Rules;
  plan: Plan;
  cut: (s: string) => string[];
}

/** A deadline written after an indicator (学前教育毛入园率到2025年达到90%) is not part of its name. */
const DEADLINE_TAIL = /(?:[，,]?(?:(?:到|至|在)?(?:19|20)\d\d年(?:底|末|前)?|较|比))+$/u;
/** What is left of an indicator in an elliptical clause: nothing, or a modal word. */
const ELLIPSIS = /^(?:要|将|应|需|须|力争|确保|争取|再|进一步|均)+$/u;

/** Targets in one item's prose. */
export function extractItemTargets(item: Item, ctx: ExtractContext): TargetFact[] {
  if (item.review) return [];
  const md = model(ctx.rules);
  const out: TargetFact[] = [];
  const text = item.text;
  // sentences
  const sentRe = /[^。；;！？!?]+[。；;！？!?]?/gu;
  let lastNames: string[] = [];
  for (const sm of text.matchAll(sentRe)) {
    const s = sm[0];
    const sOff = item.bodyStart + sm.index!;
    if (md.reviewSentence.test(s)) continue;
    const hits = valueHits(s, md, ctx.cut);
    if (!hits.length) continue;
    const years = deadlines(s, ctx.plan);
    const baseYear = baselineOf(s);
    const used = new Set<number>();
    let prevEnd = 0;
    let carriedOp: Op | null = null;
    const presetNames = new Map<number, string>();
    const sentenceState: CarryState = { lead: null, pop: null };
    for (let h = 0; h < hits.length; h++) {
      if (used.has(h)) continue;
      const hit = hits[h]!;
      // a list of values: X、Y和Z
      const group = [hit];
      let k = h + 1;
      while (k < hits.length && /^[\s、和及与]*$/.test(s.slice(group[group.length - 1]!.end, hits[k]!.start))) {
        group.push(hits[k]!);
        k++;
      }
      const bc = beforeComparator(s, hit.start, md);
      if (hit.scope && !bc) continue;
      if (hit.cn && !bc && !/(?:至少|不少于|不低于|各|每[年周月天日]|每学期)[\u4e00-\u9fa5]{0,4}$/u.test(s.slice(0, hit.start))) continue;
      group.forEach((_, i) => used.add(h + i));
      // clause before the value (or its comparator)
      const anchor = bc ? bc.start : hit.start;
      let cs = anchor;
      while (cs > prevEnd && !md.clauseEnd.test(s[cs - 1]!)) cs--;
      let beforeRaw = s.slice(cs, anchor);
      let op: Op | null = bc?.op ?? null;
      let opId = bc?.id ?? null;
      // 至少有1项艺术爱好、掌握1项艺术技能: a clause-level comparator covers the parts listed after it
      if (!op && cs === prevEnd && cs > 0 && carriedOp) {
        op = carriedOp;
        opId = 'cmp.clause';
      }
      if (!op) {
        for (const [re, o] of md.clauseOps) {
          const mm = re.exec(beforeRaw);
          if (mm) {
            op = o;
            beforeRaw = beforeRaw.slice(0, mm.index) + beforeRaw.slice(mm.index + mm[0].length);
            opId = 'cmp.clause';
            break;
          }
        }
      }
      const lastAfter = group[group.length - 1]!.afterOp;
      const distributive = /分别|各$|均|都/.test(s.slice(cs, hit.start)) || group.length > 1;
      // A达到B总数的15%: the share of A in B
      const share = /^(.+?)(?:达到|占)(.+?(?:总数|总量|总人数))的?$/u.exec(beforeRaw.replace(/\s+/g, ''));
      let before = share ? cleanIndicator(share[1]!, md) + '占' + share[2] + '比例' : cleanIndicator(beforeRaw.replace(/(?:分别|均|都)$/u, ''), md);
      // indicator words after the value: 建设30家普惠性托育机构, 30%的社区提供…
      const lastHit = group[group.length - 1]!;
      let ae = lastHit.end;
      const nextHit = hits[k];
      while (ae < s.length && !md.clauseEnd.test(s[ae]!) && !(s[ae] === '、' && (/^、\s*[\d一二两三四五六七八九十]/u.test(s.slice(ae)) || (nextHit && nextHit.start > ae && !md.clauseEnd.test(s.slice(ae, nextHit.start)))))) ae++;
      const continues = ae < s.length && s[ae] === '、';
      prevEnd = continues ? ae + 1 : prevEnd;
      let afterText = s.slice(lastHit.end, ae).replace(/^的/, '').replace(/等$/, '');
      // 100%能获得…: a modal is not part of the name; 专业性强、服务水平高的…机构: a list of qualities is not either
      afterText = afterText.replace(/\s+/g, '').replace(/^(?:能够|可以|能|可)/u, '').replace(/^[^的，,]*、[^的，,]*的/u, (m) => (md.verbAnyRe.test(m) ? m : ''));
      // 95%的城市社区和85%的农村社区建立…: each value has its own subject, the predicate is shared
      const paired = /^(.+?)[和、及与](\d+(?:\.\d+)?[%％])的(.+)$/u.exec(afterText);
      if (paired && nextHit && s.slice(nextHit.start).replace(/\s+/g, '').startsWith(paired[2]!)) {
        const vm = md.verbAnyRe.exec(paired[3]!);
        const pred = vm ? paired[3]!.slice(vm.index) : '';
        afterText = paired[1]! + pred;
        if (vm) presetNames.set(k, cleanIndicator(paired[3]!, md));
      }
      let names: string[];
      const verbOnly = md.verbOnlyRe.test(before);
      const nounAfter = !!afterText && !md.rateRe.test(before);
      const preset = presetNames.get(h);
      if (preset) {
        names = [preset];
      } else if (verbOnly || md.verbEndRe.test(before) || (nounAfter && !distributive)) {
        const kept = md.keptVerbRe?.exec(before);
        let stem = kept && kept.index > 0 ? before : stripVerbs(before, md);
        if (ACTOR_RE.test(stem)) stem = '';
        names = [cleanIndicator(stem + afterText, md)];
      } else if (!before) {
        names = [cleanIndicator(afterText, md)];
      } else if (distributive) {
        names = splitList(before).map((x) => cleanIndicator(x, md));
        // 学生每天校内、校外各1小时体育活动: the words after the value complete every item
        if (afterText && !md.rateRe.test(names[names.length - 1]!)) names = names.map((n) => n + cleanIndicator(afterText, md));
      } else {
        let whole = before.replace(md.verbStartRe, '') || before;
        // 改造或新建儿童友好医院: coordinated verbs go together
        if (whole !== before && /^[或和及、]/u.test(whole)) whole = whole.slice(1).replace(md.verbStartRe, '');
        names = [whole];
        // 儿童“关爱之家”、镇街道未成年人保护工作站覆盖率100%: one value for each listed noun
        const parts = whole.split('、');
        const popEnd = md.popRe ? new RegExp(`(?:${md.popRe.source})$`, 'u') : null;
        if (parts.length > 1 && parts.every((x) => x.length >= 4 && !x.includes('的') && !popEnd?.test(x))) names = parts;
      }
      names = names.map((n) => n.replace(DEADLINE_TAIL, '')).filter(Boolean);
      // an elliptical clause (…达到70%；到2030年要达到80%) keeps the indicator of the clause before it
      if ((!names.length || (names.length === 1 && ELLIPSIS.test(names[0]!))) && lastNames.length && group.length === 1) names = lastNames;
      if (!names.length) continue;
      lastNames = names;
      names = names.map((n) => stripRegion(n.replace(md.nameTrailRe, ''), ctx.plan)).filter(Boolean);
      if (!names.length) continue;
      if (names.length > 1) names = shareParts(names, md, ctx.cut);
      // 新增A 30家、B 3家 → 新增B; 残疾儿童入园率…，义务教育入学率… → 残疾儿童义务教育入学率
      names = names.map((n) => carryLead(contextName(n, s.slice(0, cs), md), hit, sentenceState, md));
      carriedOp = continues && opId && (op === '>=' || op === '<=') ? op : null;
      const quoteStart = sOff + (verbOnly || !before ? hit.start : cs + (beforeRaw.length - beforeRaw.trimStart().length));
      const tookAfter = !!afterText && names.some((n) => n.includes(afterText.slice(0, 2)));
      const quoteEnd = sOff + (verbOnly || !before || tookAfter ? ae : lastHit.end);
      const yearFor = (at: number) => {
        const prior = years.filter((y) => y.at < at);
        return prior.length ? prior[prior.length - 1]!.year : years.find((y) => y.at > at && y.at < lastHit.end + 12)?.year ?? null;
      };
      const ruleId = `target.${distributive ? 'list' : 'value'}${opId ? '+' + opId : ''}`;
      const emit = (name: string, v: ValueHit) => {
        const base = v === hit ? bc?.op ?? op : op;
        const change = base === 'down' || base === 'up';
        out.push({
          item: item.idx,
          table: null,
          indicator: name,
          // 改造提升90所学校: a change verb before a count of things is an action, not an amount of change
          op: change && !afterText ? base : combineOps(change ? '=' : base, lastAfter ?? v.afterOp, v.value2 !== null),
          value: v.value,
          value2: v.value2,
          unit: v.unit,
          year: yearFor(v.start) ?? item.year ?? null,
          baseline: null,
          baselineYear: baseYear,
          kind: item.kind,
          start: quoteStart,
          end: Math.max(quoteEnd, quoteStart + 1),
          ruleId,
        });
      };
      if (group.length > 1 && names.length === group.length) group.forEach((v, i) => emit(names[i]!, v));
      else if (group.length > 1) group.forEach((v) => emit(names.join('、'), v));
      else if (names.length > 1) names.forEach((n) => emit(n, hit));
      else emit(names[0]!, hit);
    }
  }
  return out;
}

/** Table rows: indicator cell + target column (the plan's own, not another region's). */
export function extractTableTargets(table: Table, ctx: ExtractContext): TargetFact[] {
  const md = model(ctx.rules);
  const plan = ctx.plan;
  const header = table.header.map((c) => c.text.replace(/\s+/g, ''));
  const ncol = Math.max(header.length, ...table.rows.map((r) => r.cells.length));
  let indCol = header.findIndex((h) => /指标|项目|内容/.test(h));
  if (indCol < 0) indCol = 1; // 序号, 指标, …
  const yearCols = header.map((h, i) => ({ i, year: Number(/((?:19|20)\d\d)/.exec(h)?.[1] ?? NaN), h })).filter((x) => !Number.isNaN(x.year));
  const region = (plan.region ?? '').replace(/[市县区]$/, '');
  const otherRegion = (h: string) => {
    const m = /(?:19|20)\d\d年?(.+?)(?:目标|完成情况|现状|基数|值)?$/u.exec(h);
    const name = m?.[1]?.replace(/年|目标值?|完成情况|现状|基数|预期|值/g, '') ?? '';
    return !!name && !!region && !name.includes(region) && !region.includes(name);
  };
  const start = plan.period?.[0] ?? 0;
  const targetCols = yearCols.filter((c) => (c.year >= start || /目标/.test(c.h)) && !/完成|现状|基数|基期/.test(c.h) && !otherRegion(c.h));
  let targetCol = targetCols.length ? targetCols[targetCols.length - 1]! : yearCols.length ? yearCols[yearCols.length - 1]! : { i: ncol - 1, year: NaN, h: '' };
  if (targetCols.length > 1) targetCol = targetCols.find((c) => region && c.h.includes(region)) ?? targetCols[0]!;
  const baseCol = yearCols.find((c) => c !== targetCol && (c.year < start || /完成|现状|基数|基期/.test(c.h)));
  const out: TargetFact[] = [];
  for (const row of table.rows) {
    const ind = row.cells[indCol];
    const cell = row.cells[targetCol.i];
    if (!ind || !ind.text) continue;
    const raw = (cell?.text ?? '').replace(/\s+/g, '');
    if (!raw || raw === '-' || raw === '—') continue;
    const um = /^(.*?)[（(]([^（）()]{1,8})[）)]$/u.exec(ind.text.replace(/\s+/g, ''));
    let indicator = ind.text.replace(/\s+/g, '');
    let unit: string | null = null;
    if (um && md.units.has(um[2]!) ) {
      indicator = um[1]!;
      unit = md.units.get(um[2]!)!.normal;
    } else if (um && /^[%％‰]|万人|人|个|所|岁/.test(um[2]!)) {
      indicator = um[1]!;
      unit = um[2]!.replace('％', '%');
    }
    const parsed = parseCell(raw, md);
    if (!unit && parsed.unit) unit = parsed.unit;
    const baseCell = baseCol ? row.cells[baseCol.i]?.text.replace(/\s+/g, '') : undefined;
    const baseVal = baseCell ? Number(/-?\d+(?:\.\d+)?/.exec(baseCell)?.[0] ?? NaN) : NaN;
    out.push({
      item: null,
      table: table.idx,
      indicator,
      op: parsed.op,
      value: parsed.value,
      value2: parsed.value2,
      unit: parsed.value === null ? null : unit,
      year: Number.isNaN(targetCol.year) ? null : targetCol.year,
      baseline: Number.isNaN(baseVal) ? null : baseVal,
      baselineYear: baseCol && !Number.isNaN(baseVal) ? baseCol.year : null,
      kind: 'table',
      start: ind.start,
      end: ind.end,
      ruleId: 'target.table',
    });
  }
  return out;
}

function parseCell(raw: string, md: Model): { op: Op; value: number | null; value2: number | null; unit: string | null } {
  const m = /(≤|≥|<|>|＜|＞|不得低于|不得少于|不得高于|不得超过|不低于|不少于|不超过|不高于|至少|低于|高于|达到)?(\d+(?:\.\d+)?)(?:\s*[-—~～至]\s*(\d+(?:\.\d+)?))?\s*([%％‰]|(?!以上|以下|以内|左右)[\u4e00-\u9fa5]{1,2}(?=左右|以上|以下|$))?(以上|以下|以内|左右)?/u.exec(raw);
  if (m) {
    const pre = m[1];
    const value = Number(m[2]);
    const value2 = m[3] ? Number(m[3]) : null;
    let unit: string | null = m[4] ?? null;
    if (unit && !md.units.has(unit)) unit = null;
    if (unit) unit = md.units.get(unit)!.normal;
    let op: Op = '=';
    if (value2 !== null) op = 'range';
    else if (pre) op = md.beforeWords.find((b) => b.word === pre)?.op ?? '=';
    if (m[5]) op = md.afterOps.get(m[5]) ?? op;
    return { op, value, value2, unit };
  }
  for (const q of md.qualitative) if (q.words.some((w) => raw.startsWith(w))) return { op: q.op, value: null, value2: null, unit: null };
  return { op: 'text', value: null, value2: null, unit: null };
}
