import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// js-yaml reads the rule files (same data as the yaml package, at about a sixth of the time: every
// command that extracts pays for it); the yaml package writes corrections files, keeping their layout
import jsYaml from 'js-yaml';
import type { z } from 'zod';
import { PlandbError } from '../errors.js';
import {
  ComparatorsFile,
  HeadingsFile,
  IndicatorCatalogueFile,
  IndicatorsFile,
  DocumentsFile,
  JunkFile,
  MeasureUnitsFile,
  ResponsibilityFile,
  SectionsFile,
  UnitNamesFile,
} from './schema.js';

export type { Op, Role } from './schema.js';

/** The repository's own rule folder (works from src/ under vitest and from dist/). */
export const DEFAULT_RULES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../extract-rules');

export interface Rules {
  dir: string;
  junk: z.infer<typeof JunkFile>;
  headings: z.infer<typeof HeadingsFile>;
  responsibility: z.infer<typeof ResponsibilityFile>;
  measureUnits: z.infer<typeof MeasureUnitsFile>;
  comparators: z.infer<typeof ComparatorsFile>;
  unitNames: z.infer<typeof UnitNamesFile>;
  sections: z.infer<typeof SectionsFile>;
  indicators: z.infer<typeof IndicatorsFile>;
  /** canonical indicators (indicator-catalogue.yaml) */
  catalogue: z.infer<typeof IndicatorCatalogueFile>;
  documents: z.infer<typeof DocumentsFile>;
  /** path of the jieba user dictionary (unit-name parts and indicator words) */
  jiebaDict: string;
}

function loadOne<T extends z.ZodTypeAny>(dir: string, name: string, schema: T): z.infer<T> {
  const file = path.join(dir, name);
  let raw: unknown;
  try {
    raw = jsYaml.load(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new PlandbError('BAD_RULES', `cannot read rule file: ${why}`, file);
  }
  const res = schema.safeParse(raw);
  if (!res.success) {
    const issue = res.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(root)';
    throw new PlandbError('BAD_RULES', `invalid rule at ${where}: ${issue.message}`, file);
  }
  return res.data;
}

/** A user-dictionary line: `word [frequency] [tag]` (jieba's format). */
const DICT_LINE = /^[^\s]+(?:[ \t]+\d+)?(?:[ \t]+[A-Za-z]+)?$/u;

/** Reads and checks the rules' jieba user dictionary; a corrupt one is refused with its name and line. */
export function readJiebaDict(file: string): string[] {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new PlandbError('BAD_RULES', `cannot read jieba dictionary: ${(e as Error).message}`, file);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new PlandbError('BAD_RULES', 'corrupt jieba dictionary: not UTF-8 text', file);
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: string[] = [];
  lines.forEach((raw, i) => {
    const l = raw.trim();
    if (!l) return;
    if (!DICT_LINE.test(l) || /[\u0000-\u001f\u007f]/.test(l)) {
      throw new PlandbError('BAD_RULES', `corrupt jieba dictionary at line ${i + 1}: expected 'word [frequency] [tag]', got '${l.slice(0, 40)}'`, file);
    }
    out.push(l);
  });
  return out;
}

const cache = new Map<string, Rules>();

/** Loads and validates every rule file in `dir` (default: the repository's extract-rules/). */
export function loadRules(dir: string = DEFAULT_RULES_DIR): Rules {
  const key = path.resolve(dir);
  const hit = cache.get(key);
  if (hit) return hit;
  if (!existsSync(key)) throw new PlandbError('BAD_RULES', 'rules folder not found', key);
  const rules: Rules = {
    dir: key,
    junk: loadOne(key, 'junk.yaml', JunkFile),
    headings: loadOne(key, 'headings.yaml', HeadingsFile),
    responsibility: loadOne(key, 'responsibility.yaml', ResponsibilityFile),
    measureUnits: loadOne(key, 'units.yaml', MeasureUnitsFile),
    comparators: loadOne(key, 'comparators.yaml', ComparatorsFile),
    unitNames: loadOne(key, 'unit-names.yaml', UnitNamesFile),
    sections: loadOne(key, 'sections.yaml', SectionsFile),
    indicators: loadOne(key, 'indicators.yaml', IndicatorsFile),
    catalogue: loadOne(key, 'indicator-catalogue.yaml', IndicatorCatalogueFile),
    documents: loadOne(key, 'documents.yaml', DocumentsFile),
    jiebaDict: path.join(key, 'jieba-user.dict.txt'),
  };
  readJiebaDict(rules.jiebaDict); // refused here, with its name, rather than when the first file is cut

  cache.set(key, rules);
  return rules;
}
