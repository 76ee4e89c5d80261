/**
 * Plan titles as they are really written: with a status or edition (（征求意见稿） 全文), wrapped in
 * 《》 and followed by a document kind (目标责任分解书), or running straight into the next text
 * (…规划(2021-2030年)序 言…). Also the region (issuing government) and period a title gives.
 */
import { alternation } from '../rules/compiled.js';
import type { Rules } from '../rules/index.js';

export interface TitleMatch {
  /** the title as written, trimmed */
  title: string;
  /** offset just after the title in the (trimmed) line */
  end: number;
  /** text after the title on the same line */
  rest: string;
  hasPeriod: boolean;
}

interface TitleModel {
  endings: RegExp;
  period: RegExp;
  kind: RegExp;
  status: RegExp;
  runOn: RegExp;
  subject: RegExp;
  rejects: RegExp[];
  maxLength: number;
  regionPiece: RegExp;
  regionReject: string[];
  implementing: RegExp;
}

const cache = new WeakMap<Rules, TitleModel>();

function model(rules: Rules): TitleModel {
  const hit = cache.get(rules);
  if (hit) return hit;
  const d = rules.documents;
  const pt = rules.sections.plan_title;
  const suffixes = [...d.region.suffixes].sort((a, b) => b.length - a.length).map((s) =>
    // 州 and 区 end a name only when no 市/县/区 follows (广州市, 苏州市 are one name)
    s === '州' ? '州(?![市县区])' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
  const m: TitleModel = {
    endings: new RegExp(alternation(pt.endings), 'gu'),
    period: /\s*[（(][^（）()《》]{0,20}?(?:19|20)\d\d[^（）()《》]{0,20}[）)]/uy,
    kind: new RegExp(`\\s*(?:${alternation(d.title.kinds)})`, 'uy'),
    status: new RegExp(`\\s*(?:[（(]\\s*(?:${alternation(d.title.statuses)})\\s*[）)]|(?:${alternation(d.title.statuses)}))`, 'uy'),
    runOn: new RegExp(`^\\s*(?:${d.title.run_on.map((w) => [...w].join('\\s*')).join('|')})`, 'u'),
    subject: new RegExp(alternation(rules.sections.subjects.flatMap((s) => s.words)), 'u'),
    rejects: pt.reject.map((r) => new RegExp(r, 'u')),
    maxLength: pt.max_length,
    regionPiece: new RegExp(`^(.{1,10}?)(${suffixes.join('|')})`, 'u'),
    regionReject: d.region.reject,
    implementing: new RegExp(`^([^《》。，,；;]{2,20}?)(?:贯彻落实|贯彻|落实|实施)《([^《》]{4,60}?(?:${alternation(pt.endings)})[^《》]{0,20})》\\s*(?:${alternation(d.title.kinds)})`, 'u'),
  };
  cache.set(rules, m);
  return m;
}

const sticky = (re: RegExp, s: string, at: number): number => {
  re.lastIndex = at;
  const m = re.exec(s);
  return m ? at + m[0].length : at;
};

const CJK = /[\u4e00-\u9fff“]/u;

/**
 * Reads a plan title at the start of a line, or returns null. A title followed by more text is
 * accepted only where that text plainly starts something else: a 序言/前言, or a sentence after a
 * title that ended with its period or status.
 */
export function matchTitle(line: string, rules: Rules, headingRes: RegExp[] = []): TitleMatch | null {
  const md = model(rules);
  const s = line.trim();
  if (s.length < 6) return null;
  // 某市贯彻落实《中国儿童发展纲要（2021—2030年）》实施方案: a plan that implements another
  const impl = md.implementing.exec(s);
  if (impl && md.subject.test(impl[2]!) && !md.rejects.some((r) => r.test(impl[1]!))) {
    let pos = impl[0].length;
    for (;;) {
      const next = sticky(md.status, s, pos);
      if (next === pos) break;
      pos = next;
    }
    if (!s.slice(pos).trim()) return { title: s.slice(0, pos).trim(), end: pos, rest: '', hasPeriod: /(?:19|20)\d\d/.test(impl[2]!) };
  }
  const wrapped = s.startsWith('《');
  const from = wrapped ? 1 : 0;
  md.endings.lastIndex = 0;
  for (const e of s.matchAll(md.endings)) {
    const coreEnd = e.index! + e[0].length;
    if (coreEnd - from > md.maxLength) break;
    const core = s.slice(from, coreEnd);
    if (/[《》。，,；;！？!?]/u.test(core)) break;
    if (core.length < 4 || !md.subject.test(core) || md.rejects.some((r) => r.test(core)) || headingRes.some((h) => h.test(core))) continue;
    let pos = sticky(md.period, s, coreEnd);
    const hasPeriod = pos > coreEnd;
    if (wrapped) {
      if (s[pos] !== '》') continue;
      pos++;
    } else if (s[pos] === '》') continue;
    const afterKind = sticky(md.kind, s, pos);
    if (afterKind > pos) pos = sticky(md.period, s, afterKind);
    let statuses = 0;
    for (;;) {
      const next = sticky(md.status, s, pos);
      if (next === pos) break;
      pos = next;
      statuses++;
    }
    const rest = s.slice(pos);
    if (rest.trim()) {
      const runOn = md.runOn.test(rest);
      const sentence = !wrapped && (hasPeriod || statuses > 0) && CJK.test(rest.trimStart()[0] ?? '');
      if (!runOn && !sentence) continue;
    }
    const title = s.slice(0, pos).trim();
    if (title.length > md.maxLength + 20) continue;
    return { title, end: pos, rest, hasPeriod };
  }
  return null;
}

/** A line that is only a title's period, written on the line after it: `(2021-2030年)`. */
export const PERIOD_LINE = /^\s*[（(]\s*(?:19|20)\d\d\s*年?\s*[-—–~～至到－]+\s*(?:19|20)\d\d\s*年?\s*[）)]\s*$/u;

/**
 * The issuing government as the title writes it: the run of administrative names at its start
 * (长春市九台区, 随县, 恩施土家族苗族自治州), without a province when a city or county follows it.
 * Null when the title names no place (儿童友好城市建设三年行动计划).
 */
export function regionOf(title: string, rules: Rules): string | null {
  const md = model(rules);
  let s = title.replace(/^[《“"「（(\s]+/u, '');
  const pieces: string[] = [];
  for (;;) {
    const m = md.regionPiece.exec(s);
    if (!m) break;
    if (md.regionReject.some((w) => m[1]!.includes(w))) break;
    pieces.push(m[0]);
    s = s.slice(m[0].length);
  }
  if (pieces.length > 1 && /(?:省|自治区)$/u.test(pieces[0]!)) pieces.shift();
  return pieces.length ? pieces.join('') : null;
}

/** The plan period a title gives: `（2021-2030年）`, `2021—2025`, or a named period such as 十四五. */
export function periodOf(title: string, rules: Rules): [number, number] | null {
  const yr = /((?:19|20)\d\d)\s*(?:年)?\s*[-—–~～至到－]+\s*((?:19|20)\d\d)/u.exec(title);
  if (yr) return [Number(yr[1]), Number(yr[2])];
  const p = rules.sections.periods.find((x) => x.words.some((w) => title.includes(w)));
  return p ? [p.from, p.to] : null;
}
