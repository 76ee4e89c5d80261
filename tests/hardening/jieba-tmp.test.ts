import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unitModel } from '../../src/extract/units.js';
import { loadRules } from '../../src/rules/index.js';
import { tmpDir } from '../helpers/paths.js';

// This file must load jieba itself (vitest runs each test file in its own process).
describe('the jieba user dictionary is never written to a predictable shared path (defect 1)', () => {
  it('a symlink planted at the old path stays untouched, its target too, and nothing is left in the temp folder', () => {
    const oldDir = path.join(os.tmpdir(), 'plandb-jieba');
    mkdirSync(oldDir, { recursive: true });
    const planted = path.join(oldDir, `user-${process.pid}.dict.txt`);
    const victim = path.join(tmpDir('victim'), 'precious.txt');
    writeFileSync(victim, 'do not overwrite\n');
    rmSync(planted, { force: true });
    symlinkSync(victim, planted);
    const before = new Set(readdirSync(os.tmpdir()).filter((n) => n.startsWith('plandb-jieba')));
    try {
      const units = unitModel(loadRules());
      // the user dictionary is loaded: unit names come out as one word
      expect(units.cut('由市妇儿工委办牵头')).toContain('市妇儿工委办');
      expect(readFileSync(victim, 'utf8')).toBe('do not overwrite\n');
      expect(lstatSync(planted).isSymbolicLink()).toBe(true);
      expect(readlinkSync(planted)).toBe(victim);
      const after = readdirSync(os.tmpdir()).filter((n) => n.startsWith('plandb-jieba') && !before.has(n));
      expect(after).toEqual([]);
    } finally {
      rmSync(planted, { force: true });
    }
  });
});
