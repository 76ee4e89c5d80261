import type { Role } from '../rules/index.js';

export type ItemKind = 'goal' | 'measure' | 'task' | 'table' | 'text';

/** Offsets are UTF-16 code units into the normalized text. */
export interface Span {
  start: number;
  end: number;
}

export interface Heading extends Span {
  idx: number;
  level: number;
  kind: string;
  marker: string;
  title: string;
  parent: number | null;
  /** markers of the level-1 and level-2 ancestors, e.g. `三、/（一）` */
  path: string;
  ruleId: string;
}

export interface RespLine extends Span {
  text: string;
  /** set when the role comes from a column header rather than a label in the text */
  role?: Role;
  ruleId?: string;
}

export interface Item extends Span {
  idx: number;
  heading: number | null;
  marker: string | null;
  /** where the item's text starts after its marker */
  bodyStart: number;
  text: string;
  kind: ItemKind;
  /** label lines (牵头单位：…) that follow the item and belong to it */
  respLines: RespLine[];
  /** true for a heading line that carries its own body (（一）指导思想。坚持…) */
  inlineHeading: boolean;
  /** in a review section (发展现状…): no targets */
  review: boolean;
  /** deadline year from a task table's 完成时限 column */
  year?: number | null;
}

export interface Cell extends Span {
  text: string;
}

export interface TableRow extends Span {
  cells: Cell[];
}

export interface Table extends Span {
  idx: number;
  heading: number | null;
  header: Cell[];
  rows: TableRow[];
  /** layout as found: tab-separated rows or one cell per line */
  layout: 'tabs' | 'cell-lines';
  /** column roles of a task table (序号 | 任务 | 牵头单位 | 责任单位 | 完成时限): its rows are items, not indicator rows */
  roles?: Array<Role | 'task' | 'deadline' | 'number' | null>;
}

export interface Plan extends Span {
  idx: number;
  title: string;
  titleSpan: Span;
  region: string | null;
  subject: string | null;
  period: [number, number] | null;
  isActionPlan: boolean;
  headings: Heading[];
  items: Item[];
  tables: Table[];
}

export type { Warning, Severity } from '../ingest/types.js';
