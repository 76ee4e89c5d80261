/** Reading and writing corrections files (YAML, one per plan), validated with zod. */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Document, parse as parseYaml, visit } from 'yaml';
import { PlandbError } from '../errors.js';
import { CorrectionsFileSchema, type CorrectionsFile } from './schema.js';

/** Every plan's corrections found in a folder, keyed by plan key. */
export interface CorrectionSet {
  /** the folder (resolved); '' for a set built in memory */
  dir: string;
  plans: Map<string, PlanCorrections>;
}

export interface PlanCorrections {
  /** the file the decisions were read from (or will be written to) */
  file: string;
  data: CorrectionsFile;
}

export const emptyCorrections = (dir = ''): CorrectionSet => ({ dir, plans: new Map() });

const isCorrectionsFile = (name: string) => /\.ya?ml$/i.test(name) && !name.startsWith('.');

/** Parses and validates one corrections file; a bad file throws one line naming the file and the field. */
export function readCorrectionsFile(file: string): CorrectionsFile {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new PlandbError('BAD_CORRECTIONS', `cannot read corrections file: ${why}`, file);
  }
  const res = CorrectionsFileSchema.safeParse(raw ?? {});
  if (!res.success) {
    const issue = res.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(root)';
    throw new PlandbError('BAD_CORRECTIONS', `invalid corrections at ${where}: ${issue.message}`, file);
  }
  const ids = new Set<number>();
  res.data.decisions.forEach((d, i) => {
    if (ids.has(d.id)) throw new PlandbError('BAD_CORRECTIONS', `invalid corrections at decisions.${i}.id: id ${d.id} is used twice`, file);
    ids.add(d.id);
  });
  return res.data;
}

/** Loads every `*.yaml` file of a corrections folder. A missing folder is an empty set. */
export function readCorrectionsDir(dir: string): CorrectionSet {
  const abs = path.resolve(dir);
  const set = emptyCorrections(abs);
  if (!existsSync(abs)) return set;
  for (const name of readdirSync(abs).filter(isCorrectionsFile).sort()) {
    const file = path.join(abs, name);
    const data = readCorrectionsFile(file);
    const other = set.plans.get(data.plan);
    if (other) throw new PlandbError('BAD_CORRECTIONS', `plan ${data.plan} also has corrections in ${other.file}; merge the two files`, file);
    set.plans.set(data.plan, { file, data });
  }
  return set;
}

const HEADER = `# plandb corrections: a reviewer's decisions about one plan's facts (see README, "Reviewing and correcting").
# Each decision is anchored to a quote of the normalized text and its occurrence in the plan, so it
# survives rebuilds, rule changes and re-ingest from another format. Edit by hand or with plandb correct.
`;

/** Writes a corrections file atomically, in a stable, diff-friendly layout (one block per decision, fields on one line). */
export function writeCorrectionsFile(file: string, data: CorrectionsFile): void {
  const clean: Record<string, unknown> = { plan: data.plan };
  if (data.title) clean.title = data.title;
  if (data.source) clean.source = data.source;
  clean.reviewed = data.reviewed;
  clean.decisions = data.decisions.map((d) => {
    const o: Record<string, unknown> = { id: d.id, action: d.action, fact: d.fact, quote: d.quote, occurrence: d.occurrence };
    if ('was' in d && d.was) o.was = d.was;
    if ('set' in d) o.set = d.set;
    if (d.note) o.note = d.note;
    return o;
  });
  const doc = new Document(clean);
  // decisions as block mappings, one per decision; their `was` and `set` on one line each
  const keyOf = (p: readonly unknown[]) => {
    const pair = p[p.length - 1] as { key?: { value?: unknown } } | undefined;
    return String(pair?.key?.value ?? '');
  };
  visit(doc, {
    Map(_, node, p) {
      if (['was', 'set'].includes(keyOf(p))) node.flow = true;
    },
  });
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, HEADER + doc.toString({ lineWidth: 0 }), 'utf8');
  renameSync(tmp, file);
}
