/**
 * Canonical unit names for the query side (市卫生健康委员会 → 市卫健委) without the extraction
 * machinery: UnitModel.canonical (src/extract/units.ts) needs only the `prefixes` and `canonical`
 * lists of unit-names.yaml, but building a UnitModel loads jieba's dictionary (about a second) and
 * loadRules reads and validates every rule file. Here the same mapping is built from the rules
 * already loaded, or from extract-rules/unit-names.yaml alone, read on first need.
 * tests/query/unit-names.test.ts checks it against UnitModel.canonical.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlandbError } from '../errors.js';
import type { Rules } from '../rules/index.js';

export interface UnitNameLists {
  prefixes: string[];
  canonical: Array<{ name: string; aliases: string[] }>;
}

export type Canonicalizer = (name: string) => string;

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alternation = (words: string[]) => [...words].sort((a, b) => b.length - a.length).map(esc).join('|');

/** UnitModel.canonical over these lists. */
export function canonicalizer(u: UnitNameLists): Canonicalizer {
  const prefixRe = new RegExp(`^(?:${alternation(u.prefixes)})`, 'u');
  const alias = new Map<string, string>();
  for (const c of u.canonical) {
    alias.set(c.name, c.name);
    for (const a of c.aliases) alias.set(a, c.name);
  }
  return (name: string): string => {
    const n = name.replace(/\s+/g, '');
    if (alias.has(n)) return alias.get(n)!;
    const pm = prefixRe.exec(n);
    if (pm) {
      const prefix = pm[0];
      const body = n.slice(prefix.length);
      if (alias.has(body)) return prefix + alias.get(body)!;
      if (body.startsWith('政府') && alias.has(body.slice(2))) return prefix + alias.get(body.slice(2))!;
      if (body.startsWith('人民政府') && alias.has(body.slice(4))) return prefix + alias.get(body.slice(4))!;
    }
    return n;
  };
}

/** The repository's own rule folder (= DEFAULT_RULES_DIR of src/rules, from src/ and from dist/). */
const DEFAULT_RULES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../extract-rules');

const byRules = new WeakMap<Rules, Canonicalizer>();
let byDefault: Canonicalizer | null = null;

const isList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** A plain flow-list item that YAML reads as that very string (no quotes, no indicators, not a number or null). */
const PLAIN = /^(?![-?:,[\]{}#&*!|>'"%@`])(?!(?:null|true|false|~|[-+.]?\d.*)$)[^,[\]{}#:'"]+$/iu;

/** `[a, b, c]` as a list of plain strings, or null when it is anything else. */
function flowList(s: string): string[] | null {
  const m = /^\[(.*)\]$/u.exec(s.trim());
  if (!m) return null;
  if (!m[1]!.trim()) return [];
  const items = m[1]!.split(',').map((x) => x.trim());
  return items.every((x) => PLAIN.test(x)) ? items : null;
}

/**
 * The two lists, read directly when the file keeps the bundled layout (`prefixes: [...]`, then
 * `canonical:` with one `- { name: X, aliases: [...] }` a line); null for anything else, which the
 * yaml parser then reads. Loading the yaml library costs more than the rest of `plandb unit`.
 */
function quickLists(text: string): UnitNameLists | null {
  let prefixes: string[] | null = null;
  let canonical: UnitNameLists['canonical'] | null = null;
  let inCanonical = false;
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (!line.trim() || /^\s*#/.test(line)) continue;
    const top = /^([a-z_]+):(.*)$/.exec(line);
    if (top) {
      inCanonical = false;
      if (top[1] === 'prefixes') {
        if (prefixes) return null;
        if (!(prefixes = flowList(top[2]!))) return null;
      } else if (top[1] === 'canonical') {
        if (canonical || top[2]!.trim()) return null;
        canonical = [];
        inCanonical = true;
      }
      continue;
    }
    if (!inCanonical) continue;
    const m = /^ {2}- \{ name: ([^,]+), aliases: (\[[^\]]*\]) \}\s*$/u.exec(line);
    if (!m || !PLAIN.test(m[1]!.trim())) return null;
    const aliases = flowList(m[2]!);
    if (!aliases) return null;
    canonical!.push({ name: m[1]!.trim(), aliases });
  }
  return prefixes && canonical ? { prefixes, canonical } : null;
}

/** extract-rules/unit-names.yaml's prefixes and canonical names (the yaml parser only when the layout is not the usual one). */
function defaultLists(): UnitNameLists {
  const file = path.join(DEFAULT_RULES_DIR, 'unit-names.yaml');
  let raw: { prefixes?: unknown; canonical?: unknown };
  try {
    const text = readFileSync(file, 'utf8');
    const quick = quickLists(text);
    if (quick) return quick;
    const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    raw = parse(text) ?? {};
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new PlandbError('BAD_RULES', `cannot read rule file: ${why}`, file);
  }
  const canonical = Array.isArray(raw.canonical) ? raw.canonical : null;
  if (!isList(raw.prefixes) || !canonical?.every((c) => typeof c?.name === 'string' && isList(c?.aliases)))
    throw new PlandbError('BAD_RULES', 'invalid rule at prefixes/canonical: expected lists of names', file);
  return { prefixes: raw.prefixes, canonical: canonical as UnitNameLists['canonical'] };
}

/** The canonical-name mapping of `rules`, or of the bundled rules when none are given. */
/** For tests: the lists as read without the yaml parser (null: the yaml parser would be used). */
export const readQuickly = quickLists;

export function unitCanonicalizer(rules?: Rules): Canonicalizer {
  if (rules) {
    let c = byRules.get(rules);
    if (!c) byRules.set(rules, (c = canonicalizer(rules.unitNames)));
    return c;
  }
  return (byDefault ??= canonicalizer(defaultLists()));
}
