import type { Compiled } from '../rules/compiled.js';
import { columnRoles, deadlineYear, hasRoleColumn, isColumnHeaderLine, looksLikeUnitLine, type ColumnRole } from './columns.js';
import { findToc, splitFlattened, splitRunOnTables, splitTitleRunOn, type LineRec } from './outline.js';
import { PERIOD_LINE, periodOf, regionOf } from './title.js';
import type { Role } from '../rules/index.js';
import type { Cell, Heading, Item, ItemKind, Plan, Table, TableRow, Warning } from './types.js';

export * from './types.js';

export function splitLines(text: string): LineRec[] {
  const out: LineRec[] = [];
  let pos = 0;
  for (const t of text.split('\n')) {
    out.push({ text: t, start: pos, end: pos + t.length });
    pos += t.length + 1;
  }
  return out;
}

const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
/** 一 → 1, 十二 → 12, 二十三 → 23, 一百 → 100 */
export function cnToNumber(s: string): number | null {
  if (!s) return null;
  let total = 0;
  let cur = 0;
  for (const ch of s) {
    if (ch in CN_DIGIT) cur = CN_DIGIT[ch]!;
    else if (ch === '十') {
      total += (cur || 1) * 10;
      cur = 0;
    } else if (ch === '百') {
      total += (cur || 1) * 100;
      cur = 0;
    } else if (ch === '千') {
      total += (cur || 1) * 1000;
      cur = 0;
    } else return null;
  }
  return total + cur;
}

const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';
function numeralValue(n: string, kind: 'cn' | 'arabic' | 'circled'): number | null {
  if (kind === 'arabic') return Number(n);
  if (kind === 'circled') return CIRCLED.indexOf(n) + 1;
  return cnToNumber(n);
}

/** Heading title: text after the marker up to the first 。 or ：, trimmed. */
export function headingTitle(rest: string): string {
  const m = /^[^。：:]*/u.exec(rest)!;
  return m[0].replace(/[\s，,；;、]+$/u, '').trim();
}

const OUTLINE_KINDS = ['chapter', 'section', 'cn', 'paren-cn'];

interface MarkerHit {
  kind: string;
  ruleId: string;
  marker: string;
  n: number | null;
  rest: string;
}

function matchMarker(line: string, c: Compiled): MarkerHit | null {
  for (const h of c.headings) {
    const m = h.re.exec(line);
    if (m) {
      const marker = m[0].trimEnd();
      return { kind: h.kind, ruleId: h.id, marker, n: numeralValue(m.groups!.n!, h.numeral), rest: line.slice(m[0].length) };
    }
  }
  return null;
}

function planMeta(title: string, c: Compiled): Pick<Plan, 'region' | 'subject' | 'period' | 'isActionPlan'> {
  const s = c.rules.sections;
  const region = regionOf(title, c.rules);
  const subject = s.subjects.find((x) => x.words.some((w) => title.includes(w)))?.subject ?? null;
  const period = periodOf(title, c.rules);
  const isActionPlan = /行动计划|行动方案|实施方案|工作方案|三年行动|任务分[工解]|责任分解/u.test(title);
  return { region, subject, period, isActionPlan };
}

interface PlanStart {
  /** the title line (or its first line) */
  line: number;
  /** first body line: after the title, or after the period written on the next line */
  body: number;
  /** fewer than two outline headings follow: a short plan, an excerpt, or an outline that failed to parse */
  partial: boolean;
}

const titleKey = (t: string) => t.replace(/[《》\s“”"]/gu, '').replace(/[（(][^（）()]*[）)]/gu, '');

/**
 * Finds where each plan starts: its title line (with its period on the next line, if written so).
 * A title with fewer than two outline headings after it is still a plan (partial), unless it is a
 * cover page: the same title again, or nothing of substance, before the next title.
 */
function findPlanStarts(lines: LineRec[], markers: Array<MarkerHit | null>, skip: Set<number>, c: Compiled): PlanStart[] {
  const cands: Array<{ line: number; body: number }> = [];
  lines.forEach((l, i) => {
    if (skip.has(i) || !c.isPlanTitle(l.text)) return;
    let body = i + 1;
    let n = i + 1;
    while (n < lines.length && !lines[n]!.text.trim()) n++;
    if (n < lines.length && PERIOD_LINE.test(lines[n]!.text) && !/(?:19|20)\d\d/.test(l.text)) body = n + 1;
    cands.push({ line: i, body });
  });
  const keep: PlanStart[] = [];
  for (let k = 0; k < cands.length; k++) {
    const { line, body } = cands[k]!;
    const to = k + 1 < cands.length ? cands[k + 1]!.line : lines.length;
    let outline = 0;
    let substance = 0;
    for (let i = body; i < to; i++) {
      const m = markers[i];
      if (m && (m.kind === 'cn' || m.kind === 'chapter')) outline++;
      if (lines[i]!.text.trim().length >= 12) substance++;
      if (outline >= 2) break;
    }
    if (outline >= 2) {
      keep.push({ line, body, partial: false });
      continue;
    }
    const nextSame = k + 1 < cands.length && titleKey(lines[cands[k + 1]!.line]!.text) === titleKey(lines[line]!.text);
    if (!nextSame && substance > 0) keep.push({ line, body, partial: true });
  }
  return keep;
}

export interface SegmentResult {
  plans: Plan[];
  warnings: Warning[];
}

function isCellLine(t: string): boolean {
  return t.startsWith('\t') && !t.slice(1).includes('\t');
}

function cellsOf(l: LineRec): Cell[] {
  const cells: Cell[] = [];
  let pos = l.start;
  const parts = l.text.split('\t');
  for (const p of parts) {
    cells.push({ text: p.trim(), start: pos, end: pos + p.length });
    pos += p.length + 1;
  }
  if (l.text.startsWith('\t')) cells.shift();
  return cells;
}

const HEADER_RE = /序号|指标|项目/u;
const BULLET_RE = /^(?:——|--|—|[·•●▪■◆])/u;

export function segment(text: string, c: Compiled): SegmentResult {
  // outline recovery re-cuts line records (offsets are unchanged): titles running into text, flattened lines
  const lines = splitFlattened(splitRunOnTables(splitTitleRunOn(splitLines(text), c)), c);
  const warnings: Warning[] = [];
  const headingLine = (t: string) => {
    const m = matchMarker(t.trim(), c);
    return !!m && OUTLINE_KINDS.includes(m.kind);
  };
  const toc = findToc(lines, headingLine, c);
  warnings.push(...toc.warnings);
  // heading markers at line starts, matched once for plan finding and outline levels
  const markers = lines.map((l, i) => (toc.skip.has(i) ? null : matchMarker(l.text, c)));
  const starts = findPlanStarts(lines, markers, toc.skip, c);
  const plans: Plan[] = [];
  starts.forEach((st, pi) => {
    const to = pi + 1 < starts.length ? starts[pi + 1]!.line : lines.length;
    plans.push(segmentPlan(text, lines, markers, st, to, pi, c, warnings, toc.skip));
  });
  return { plans, warnings };
}

/** A heading title in flattened text runs into its body (指导思想坚持…): cut it where the body starts. */
function cutFlatTitle(title: string, c: Compiled): string {
  if (title.length <= 12) return title;
  let at = title.length;
  for (const w of c.rules.documents.flattened.heading_body_starts) {
    const i = title.indexOf(w, 2);
    if (i >= 2 && i < at) at = i;
  }
  return at < title.length ? title.slice(0, at) : title;
}

function segmentPlan(text: string, lines: LineRec[], markers: Array<MarkerHit | null>, st: PlanStart, to: number, idx: number, c: Compiled, warnings: Warning[], skip: Set<number>): Plan {
  const from = st.line;
  const tl = lines[from]!;
  const last = lines[st.body - 1]!;
  const title = lines
    .slice(from, st.body)
    .map((l) => l.text.trim())
    .filter(Boolean)
    .join('');
  const meta = planMeta(title, c);
  const plan: Plan = {
    idx,
    title,
    titleSpan: { start: tl.start + (tl.text.length - tl.text.trimStart().length), end: last.start + last.text.trimEnd().length },
    ...meta,
    start: tl.start,
    end: lines[to - 1]!.end,
    headings: [],
    items: [],
    tables: [],
  };
  if (!meta.region) warnings.push({ code: 'no-region', severity: 'warning', message: `title names no region: ${title}`, start: plan.titleSpan.start, end: plan.titleSpan.end, rule: 'title.region' });
  // outline kinds used by this plan → levels
  const present = new Set<string>();
  for (let i = from + 1; i < to; i++) {
    const m = markers[i];
    if (m && OUTLINE_KINDS.includes(m.kind)) present.add(m.kind);
  }
  const levelOf = new Map<string, number>();
  OUTLINE_KINDS.filter((k) => present.has(k)).forEach((k, i) => levelOf.set(k, i + 1));
  const outlineDepth = levelOf.size;

  const stack: Heading[] = [];
  const lastNum = new Map<string, number>(); // key: parentIdx|kind
  let block: ItemKind | null = null;
  let blockLevel = 0;
  let table: Table | null = null;
  let pendingCells: Cell[] = [];
  let pendingStart = 0;
  let seenOutline = false;
  let lastItemNum = 0;

  const current = (): Heading | null => stack[stack.length - 1] ?? null;
  const inReview = (): boolean => stack.some((h) => c.reviewTitleRe.test(h.title));

  const flushCells = () => {
    if (!pendingCells.length) return;
    const row: TableRow = { cells: pendingCells, start: pendingStart, end: pendingCells[pendingCells.length - 1]!.end };
    addRow(row, 'cell-lines');
    pendingCells = [];
  };
  const addRow = (row: TableRow, layout: Table['layout']) => {
    if (row.cells.filter((x) => x.text).length < 2) return;
    const isHeader = row.cells.some((x) => HEADER_RE.test(x.text)) && !row.cells.some((x) => /^\d+$/.test(x.text));
    const roles = columnRoles(row.cells.map((x) => x.text), c);
    const roleHeader = hasRoleColumn(roles) && !row.cells.some((x) => /^\d+$/.test(x.text));
    if (isHeader || roleHeader || !table) {
      table = { idx: plan.tables.length, heading: current()?.idx ?? null, header: isHeader || roleHeader ? row.cells : [], rows: [], layout, start: row.start, end: row.end };
      if (roleHeader) table.roles = roles;
      plan.tables.push(table);
      if (isHeader || roleHeader) return;
    }
    table.rows.push(row);
    table.end = row.end;
    if (table.roles) addTaskRow(table.roles, row);
  };
  /** A row of a task table: its task cell is an item, its unit cells the item's responsibilities. */
  const addTaskRow = (allRoles: ColumnRole[], row: TableRow) => {
    let roles = allRoles;
    // a converter glued the sequence number to the task (`4开展儿童友好宣传活动`): one cell short
    const glued = roles[0] === 'number' && row.cells.length === roles.length - 1 ? /^\d{1,3}(?=[^\d.．%％])/u.exec(row.cells[0]!.text) : null;
    if (glued) {
      roles = roles.slice(1);
      const c0 = row.cells[0]!;
      row = { ...row, cells: [{ text: c0.text.slice(glued[0].length), start: c0.start + cellLead(c0, text) + glued[0].length, end: c0.end }, ...row.cells.slice(1)] };
    }
    let ti = roles.indexOf('task');
    if (ti < 0 || !row.cells[ti]?.text) {
      // no task header: the longest cell that is not a unit column
      ti = row.cells.reduce((best, x, k) => (!hasRoleColumn([roles[k] ?? null]) && x.text.length > (row.cells[best]?.text.length ?? 0) ? k : best), 0);
    }
    const task = row.cells[ti]!;
    if (!task.text) return;
    const di = roles.indexOf('deadline');
    const h = current();
    plan.items.push({
      idx: plan.items.length,
      heading: h?.idx ?? null,
      marker: null,
      bodyStart: task.start + (task.text ? cellLead(task, text) : 0),
      text: task.text,
      kind: plan.isActionPlan ? 'task' : block ?? 'task',
      respLines: row.cells.flatMap((x, k) => {
        const r = roles[k];
        return x.text && !/^[—\-/／、]+$/u.test(x.text) && (r === 'lead' || r === 'responsible' || r === 'support') ? [{ text: x.text, start: x.start + cellLead(x, text), end: x.end, role: r, ruleId: 'resp.column' }] : [];
      }),
      inlineHeading: false,
      review: inReview(),
      year: di >= 0 ? deadlineYear(row.cells[di]?.text ?? '') : null,
      start: row.start,
      end: row.end,
    });
  };

  const pushHeading = (m: MarkerHit, l: LineRec, level: number) => {
    while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
    const parent = current();
    const lead = l.text.length - l.text.trimStart().length;
    const title = l.flat ? cutFlatTitle(headingTitle(m.rest), c) : headingTitle(m.rest);
    const path = [...stack.filter((h) => h.level <= 2), ...(level <= 2 ? [{ marker: m.marker }] : [])].map((h) => h.marker).slice(0, 2).join('/');
    const h: Heading = {
      idx: plan.headings.length,
      level,
      kind: m.kind,
      marker: m.marker,
      title,
      parent: parent?.idx ?? null,
      path,
      ruleId: m.ruleId,
      start: l.start + lead,
      end: l.end,
    };
    plan.headings.push(h);
    stack.push(h);
    return h;
  };

  let colRole: Role | null = null;
  for (let i = st.body; i < to; i++) {
    if (skip.has(i)) continue;
    const l = lines[i]!;
    const t = l.text.trim();
    // tables
    if (isCellLine(l.text)) {
      if (!pendingCells.length) pendingStart = l.start;
      pendingCells.push(...cellsOf(l));
      continue;
    }
    if (!t) {
      flushCells();
      continue;
    }
    flushCells();
    if (l.cells) {
      addRow({ cells: l.cells, start: l.start, end: l.end }, 'tabs');
      continue;
    }
    if (l.text.includes('\t')) {
      addRow({ cells: cellsOf(l), start: l.start, end: l.end }, 'tabs');
      continue;
    }
    table = null;

    let m = matchMarker(t, c);
    // a marker found by outline recovery inside a flattened line (2.5岁以下… is item 2)
    if (!m && l.marker) m = { kind: 'num', ruleId: 'heading.num', marker: l.marker.text, n: l.marker.n, rest: t.slice(l.marker.text.length) };
    // "4.100%的城镇社区…": a converter dropped the space after the item number; accept the
    // marker when it is the next number of the current list
    if (!m && lastItemNum > 0) {
      const glued = /^(\d{1,2})([.．])(?=\d)/u.exec(t);
      if (glued && Number(glued[1]) === lastItemNum + 1) m = { kind: 'num', ruleId: 'heading.num', marker: glued[0], n: lastItemNum + 1, rest: t.slice(glued[0].length) };
    }
    if (m && OUTLINE_KINDS.includes(m.kind)) {
      const level = levelOf.get(m.kind)!;
      const parentIdx = stack.filter((h) => h.level < level).pop()?.idx ?? -1;
      const key = `${parentIdx}|${m.kind}`;
      const prev = lastNum.get(key) ?? 0;
      const ok = m.n !== null && (m.n === prev + 1 || m.n === 1 || (m.n > prev && m.n <= prev + 2));
      if (ok) {
        lastNum.set(key, m.n!);
        seenOutline = true;
        lastItemNum = 0;
        const h = pushHeading(m, l, level);
        if (level <= blockLevel || blockLevel === 0) {
          block = null;
          blockLevel = 0;
        }
        // a heading with its body on the same line: the body is also an item
        const body = m.rest.trim();
        if (body.length > h.title.length + 1) addItem(l, m.marker, true);
        continue;
      }
    }
    const bm = c.blockRe.exec(t);
    if (bm) {
      block = c.blockKinds.get(bm[1]!) ?? null;
      blockLevel = current()?.level ?? 0;
      continue;
    }
    // responsibilities in a column: a header line (目标　主要责任单位), then unit names one per line
    const ch = isColumnHeaderLine(t, c);
    if (ch) {
      colRole = ch;
      continue;
    }
    if (colRole && plan.items.length && looksLikeUnitLine(t, c)) {
      const it = plan.items[plan.items.length - 1]!;
      const lead = l.text.length - l.text.trimStart().length;
      it.respLines.push({ text: t, start: l.start + lead, end: l.end, role: colRole, ruleId: 'resp.column' });
      continue;
    }
    if ((c.labelLineRe.test(t) || c.labelBracketLineRe.test(t)) && plan.items.length) {
      const it = plan.items[plan.items.length - 1]!;
      const lead = l.text.length - l.text.trimStart().length;
      it.respLines.push({ text: t, start: l.start + lead, end: l.end });
      continue;
    }
    if (m && m.kind === 'num' && t.length <= 30 && !/[。；;，,]/.test(m.rest)) {
      // a short numbered line without sentence punctuation is a sub-heading (1.儿童友好政策设计行动)
      pushHeading(m, l, outlineDepth + 1);
      continue;
    }
    if (!seenOutline) {
      // before the first heading: preface (no targets), except a goal list (具体目标：1.…2.…)
      const goalList = block === 'goal';
      addItem(l, goalList && m && !OUTLINE_KINDS.includes(m.kind) ? m.marker : null, false, !goalList);
      continue;
    }
    // ——, ·, ● bullets mark items too (——孕产妇死亡率控制在…)
    const bullet = !m ? BULLET_RE.exec(t)?.[0] ?? null : null;
    addItem(l, m && !OUTLINE_KINDS.includes(m.kind) ? m.marker : bullet, false);
    if (m && m.kind === 'num') lastItemNum = m.n ?? 0;
  }
  flushCells();
  if (st.partial) {
    const n = plan.headings.filter((h) => h.level === 1).length;
    warnings.push({ code: 'partial-plan', severity: 'warning', message: `plan with ${n} outline heading(s): extracted as far as possible (a short plan, an excerpt, or an outline that did not parse)`, start: plan.titleSpan.start, end: plan.titleSpan.end, rule: 'segment.plan' });
  }
  for (const tb of plan.tables) {
    if (!tb.rows.length) warnings.push({ code: 'empty-table', severity: 'info', message: 'table header without rows', start: tb.start, end: tb.end, rule: 'segment.table' });
  }
  return plan;

  function addItem(l: LineRec, marker: string | null, inlineHeading: boolean, preamble = false) {
    const lead = l.text.length - l.text.trimStart().length;
    const start = l.start + lead;
    let bodyStart = start;
    if (marker) {
      bodyStart = start + l.text.trimStart().indexOf(marker) + marker.length;
      while (/\s/.test(l.text[bodyStart - l.start] ?? '')) bodyStart++;
    }
    const h = current();
    let kind: ItemKind;
    if (plan.isActionPlan) kind = 'task';
    else if (block) kind = block;
    else if (h && /目标/.test(h.title) && !/措施|任务/.test(h.title)) kind = 'goal';
    else kind = 'measure';
    plan.items.push({
      idx: plan.items.length,
      heading: h?.idx ?? null,
      marker,
      bodyStart,
      text: l.text.slice(bodyStart - l.start).trimEnd(),
      kind,
      respLines: [],
      inlineHeading,
      review: preamble || inReview(),
      year: null,
      start,
      end: l.end,
    });
  }
}

/** Leading spaces of a cell's raw text in the normalized text. */
function cellLead(cell: Cell, text: string): number {
  const raw = text.slice(cell.start, cell.end);
  return raw.length - raw.trimStart().length;
}
