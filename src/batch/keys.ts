/**
 * What a source's rows depend on, as keys stored with the source (sources.extract_key,
 * corrections_key): a rebuild re-extracts a file only when its bytes, the rules, plandb's version or
 * the decisions about its plans changed.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CorrectionSet } from '../corrections/index.js';
import { sha256 } from '../pipeline.js';
import type { Rules } from '../rules/index.js';
import { PLANDB_VERSION } from '../store/db.js';

const extractKeys = new WeakMap<Rules, string>();

/** sha256 of plandb's version and every rule file (names and bytes), once per loaded rule set. */
export function extractKey(rules: Rules): string {
  const hit = extractKeys.get(rules);
  if (hit) return hit;
  const parts = [`plandb ${PLANDB_VERSION}`];
  const files = readdirSync(rules.dir)
    .filter((n) => !n.startsWith('.'))
    .sort();
  for (const n of files) {
    const full = path.join(rules.dir, n);
    if (!statSync(full).isFile()) continue;
    parts.push(n, sha256(readFileSync(full)));
  }
  const key = sha256(parts.join('\n'));
  extractKeys.set(rules, key);
  return key;
}

/** sha256 of the decisions recorded for these plans (empty string: none). */
export function correctionsKey(set: CorrectionSet, planKeys: readonly string[]): string {
  const parts: string[] = [];
  for (const k of [...planKeys].sort()) {
    const c = set.plans.get(k);
    if (c) parts.push(k, JSON.stringify(c.data));
  }
  return parts.length ? sha256(parts.join('\n')) : '';
}
