/**
 * Responsibilities written as columns: a table whose header names role columns
 * (`序号 | 任务 | 牵头单位 | 责任单位 | 完成时限`), or units one per line under a
 * `主要责任单位` column header after each goal.
 */
import { unitModel } from '../extract/units.js';
import type { Compiled } from '../rules/compiled.js';
import { alternation } from '../rules/compiled.js';
import type { Role } from '../rules/index.js';

export type ColumnRole = Role | 'task' | 'deadline' | 'number' | null;

const cache = new WeakMap<Compiled, { header: RegExp; cell: (t: string) => ColumnRole }>();

function model(c: Compiled) {
  const hit = cache.get(c);
  if (hit) return hit;
  const col = c.rules.documents.columns;
  const labels = alternation(c.labels.map((l) => l.word).filter((w) => w.length >= 3));
  const roleOf = (w: string) => c.labels.find((l) => l.word === w)?.role ?? null;
  const labelRe = new RegExp(`^(${labels})(?:[（(][^（）()]*[）)])?$`, 'u');
  const cell = (raw: string): ColumnRole => {
    const t = raw.replace(/\s+/g, '');
    const lm = labelRe.exec(t);
    if (lm) return roleOf(lm[1]!);
    if (col.number.includes(t)) return 'number';
    if (col.deadline.some((w) => t.startsWith(w))) return 'deadline';
    if (col.task.some((w) => t === w || (t.startsWith(w) && t.length <= w.length + 4))) return 'task';
    return null;
  };
  // a header line of a column layout: [task header] role label [deadline header], no colon
  const header = new RegExp(`^(?:(?:${alternation(col.task)})[\\s\\t]*)?(${labels})(?:[\\s\\t]*(?:${alternation(col.deadline)}))?$`, 'u');
  const m = { header, cell };
  cache.set(c, m);
  return m;
}

/** Roles of a table's header cells. */
export function columnRoles(header: string[], c: Compiled): ColumnRole[] {
  const m = model(c);
  return header.map((h) => m.cell(h));
}

/** True when the roles name at least one unit column (lead, responsible or support). */
export const hasRoleColumn = (roles: ColumnRole[]) => roles.some((r) => r === 'lead' || r === 'responsible' || r === 'support');

/** The role a column-header line announces (`主要责任单位`, `目标　主要责任单位`), or null. */
export function isColumnHeaderLine(t: string, c: Compiled): Role | null {
  const m = model(c);
  const hm = m.header.exec(t.trim());
  if (!hm) return null;
  return c.labels.find((l) => l.word === hm[1])?.role ?? null;
}

/** A short line that is only unit names (`县卫生健康局`, `县教育局、县财政局`). */
export function looksLikeUnitLine(t: string, c: Compiled): boolean {
  const s = t.trim();
  if (!s || s.length > 40 || /[。；;：:！？!?\d]/u.test(s)) return false;
  const units = unitModel(c.rules);
  const parts = units.split(s);
  return parts.length > 0 && parts.every((p) => units.isUnit(p));
}

/** The year of a deadline cell (`2025年`, `2025年底`), or null (`每年`, `长期`). */
export function deadlineYear(t: string): number | null {
  const m = /((?:19|20)\d\d)\s*年?/u.exec(t);
  return m ? Number(m[1]) : null;
}
