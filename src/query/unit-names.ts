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

/** extract-rules/unit-names.yaml's prefixes and canonical names, read with the yaml parser only. */
function defaultLists(): UnitNameLists {
  const file = path.join(DEFAULT_RULES_DIR, 'unit-names.yaml');
  let raw: { prefixes?: unknown; canonical?: unknown };
  try {
    const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    raw = parse(readFileSync(file, 'utf8')) ?? {};
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
export function unitCanonicalizer(rules?: Rules): Canonicalizer {
  if (rules) {
    let c = byRules.get(rules);
    if (!c) byRules.set(rules, (c = canonicalizer(rules.unitNames)));
    return c;
  }
  return (byDefault ??= canonicalizer(defaultLists()));
}
