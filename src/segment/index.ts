import type { Compiled } from '../rules/compiled.js';
import type { Cell, Heading, Item, ItemKind, Plan, Table, TableRow, Warning } from './types.js';

export * from './types.js';

interface LineRec {
  text: string;
  start: number;
  end: number;
}

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
  const region = /^(?:[^省]{2,4}省)?(.{1,8}?(?:自治州|自治县|市|县|区|旗|盟))/u.exec(title)?.[1] ?? null;
  const subject = s.subjects.find((x) => x.words.some((w) => title.includes(w)))?.subject ?? null;
  let period: [number, number] | null = null;
  const yr = /((?:19|20)\d\d)\s*(?:年)?\s*[-—–~～至到]+\s*((?:19|20)\d\d)/u.exec(title);
  if (yr) period = [Number(yr[1]), Number(yr[2])];
  else {
    const p = s.periods.find((x) => x.words.some((w) => title.includes(w)));
    if (p) period = [p.from, p.to];
  }
  const isActionPlan = /行动计划|行动方案|实施方案|工作方案|三年行动/u.test(title);
  return { region, subject, period, isActionPlan };
}

/** Finds where each plan starts: its title line. A title not followed by any outline heading before the next title (a cover page) is dropped. */
function findPlanStarts(lines: LineRec[], markers: Array<MarkerHit | null>, c: Compiled): number[] {
  const cands: number[] = [];
  lines.forEach((l, i) => {
    if (c.isPlanTitle(l.text)) cands.push(i);
  });
  const keep: number[] = [];
  for (let k = 0; k < cands.length; k++) {
    const from = cands[k]!;
    const to = k + 1 < cands.length ? cands[k + 1]! : lines.length;
    let outline = 0;
    for (let i = from + 1; i < to; i++) {
      const m = markers[i];
      if (m && (m.kind === 'cn' || m.kind === 'chapter')) outline++;
      if (outline >= 2) break;
    }
    if (outline >= 2) keep.push(from);
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

export function segment(text: string, c: Compiled): SegmentResult {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  // heading markers at line starts, matched once for plan finding and outline levels
  const markers = lines.map((l) => matchMarker(l.text, c));
  const starts = findPlanStarts(lines, markers, c);
  const plans: Plan[] = [];
  starts.forEach((from, pi) => {
    const to = pi + 1 < starts.length ? starts[pi + 1]! : lines.length;
    plans.push(segmentPlan(lines, markers, from, to, pi, c, warnings));
  });
  return { plans, warnings };
}

function segmentPlan(lines: LineRec[], markers: Array<MarkerHit | null>, from: number, to: number, idx: number, c: Compiled, warnings: Warning[]): Plan {
  const tl = lines[from]!;
  const title = tl.text.trim();
  const meta = planMeta(title, c);
  const plan: Plan = {
    idx,
    title,
    titleSpan: { start: tl.start + (tl.text.length - tl.text.trimStart().length), end: tl.start + tl.text.trimEnd().length },
    ...meta,
    start: tl.start,
    end: lines[to - 1]!.end,
    headings: [],
    items: [],
    tables: [],
  };
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
    if (isHeader || !table) {
      table = { idx: plan.tables.length, heading: current()?.idx ?? null, header: isHeader ? row.cells : [], rows: [], layout, start: row.start, end: row.end };
      plan.tables.push(table);
      if (isHeader) return;
    }
    table.rows.push(row);
    table.end = row.end;
  };

  const pushHeading = (m: MarkerHit, l: LineRec, level: number) => {
    while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
    const parent = current();
    const lead = l.text.length - l.text.trimStart().length;
    const title = headingTitle(m.rest);
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

  for (let i = from + 1; i < to; i++) {
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
    if (l.text.includes('\t')) {
      addRow({ cells: cellsOf(l), start: l.start, end: l.end }, 'tabs');
      continue;
    }
    table = null;

    let m = matchMarker(t, c);
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
      addItem(l, null, false, true);
      continue;
    }
    addItem(l, m && !OUTLINE_KINDS.includes(m.kind) ? m.marker : null, false);
    if (m && m.kind === 'num') lastItemNum = m.n ?? 0;
  }
  flushCells();
  for (const tb of plan.tables) {
    if (!tb.rows.length) warnings.push({ code: 'empty-table', message: 'table header without rows', start: tb.start, end: tb.end });
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
      start,
      end: l.end,
    });
  }
}
