import { cpSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { DEFAULT_RULES_DIR } from '../../src/rules/index.js';

/** A copy of the bundled rules in `dir`/rules with one edit: `from` (which must be there) replaced by `to` in `file`. */
export function editedRules(dir: string, file: string, from: string, to: string): string {
  const rulesDir = path.join(dir, 'rules');
  cpSync(DEFAULT_RULES_DIR, rulesDir, { recursive: true });
  const full = path.join(rulesDir, file);
  const yaml = readFileSync(full, 'utf8');
  expect(yaml).toContain(from);
  writeFileSync(full, yaml.replace(from, to));
  return rulesDir;
}

/** The entries of a cache folder (name and modification time), to tell whether any was written again. */
export function cacheEntries(dir: string): Array<[string, number]> {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, statSync(path.join(dir, f)).mtimeMs]);
}
