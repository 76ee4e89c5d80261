/**
 * What a source's rows depend on, as keys stored with the source (sources.extract_key,
 * corrections_key): a rebuild re-extracts a file only when its bytes, the rules, plandb's version or
 * the decisions about its plans changed.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CorrectionSet } from '../corrections/index.js';
import { PlandbError } from '../errors.js';
import { sha256 } from '../pipeline.js';
import type { Rules } from '../rules/index.js';
import { PLANDB_VERSION } from '../version.js';

const extractKeys = new WeakMap<Rules, string>();

/** sha256 of plandb's version and every rule file (names and bytes): of a loaded rule set (once), or of a rules folder. */
export function extractKey(rules: Rules | string): string {
  const hit = typeof rules === 'string' ? undefined : extractKeys.get(rules);
  if (hit) return hit;
  const dir = typeof rules === 'string' ? rules : rules.dir;
  const parts = [`plandb ${PLANDB_VERSION}`];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new PlandbError('BAD_RULES', 'rules folder not found', dir);
  }
  for (const n of names.filter((x) => !x.startsWith('.')).sort()) {
    const full = path.join(dir, n);
    if (!statSync(full).isFile()) continue;
    parts.push(n, sha256(readFileSync(full)));
  }
  const key = sha256(parts.join('\n'));
  if (typeof rules !== 'string') extractKeys.set(rules, key);
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
