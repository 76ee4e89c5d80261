/** Migration 009-query-speed: counts and heading labels kept by triggers, and the light helpers the query side uses instead of the build side. */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingest, loadRules, openDb, rebuild } from '../../src/index.js';
import { RESPONSIBILITY_FIELDS, ResponsibilityFields, TARGET_FIELDS, TargetFields } from '../../src/corrections/schema.js';
import { unitModel } from '../../src/extract/units.js';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { readQuickly, unitCanonicalizer } from '../../src/query/unit-names.js';
import { indicatorKey as writerKey, type DB } from '../../src/store/db.js';
import { indicatorKey } from '../../src/store/keys.js';
import { CORPUS, SEEDS, seed, tmpDir } from '../helpers/paths.js';

let dbFile: string;
beforeAll(async () => {
  dbFile = path.join(tmpDir('speed'), 'plans.db');
  await rebuild(CORPUS, dbFile);
});

/** The counts and labels as the queries computed them before 009 (from the rows themselves). */
function recount(db: DB) {
  const plans = db
    .prepare(
      `SELECT p.id, p.n_sections, p.n_items, p.n_targets, p.n_responsibilities,
         (SELECT count(*) FROM sections s WHERE s.plan_id = p.id) AS sections,
         (SELECT count(*) FROM items i WHERE i.plan_id = p.id) AS items,
         (SELECT count(*) FROM targets t WHERE t.plan_id = p.id AND t.status <> 'rejected') AS targets,
         (SELECT count(*) FROM responsibilities r WHERE r.plan_id = p.id AND r.status <> 'rejected') AS responsibilities
       FROM plans p`,
    )
    .all() as Array<Record<string, number>>;
  const items = db
    .prepare(
      `SELECT i.id, i.n_targets, i.n_responsibilities,
         (SELECT count(*) FROM targets t WHERE t.item_id = i.id AND t.status <> 'rejected') AS targets,
         (SELECT count(*) FROM responsibilities r WHERE r.item_id = i.id AND r.status <> 'rejected') AS responsibilities
       FROM items i`,
    )
    .all() as Array<Record<string, number>>;
  const badPlans = plans.filter((p) => p.n_sections !== p.sections || p.n_items !== p.items || p.n_targets !== p.targets || p.n_responsibilities !== p.responsibilities);
  const badItems = items.filter((i) => i.n_targets !== i.targets || i.n_responsibilities !== i.responsibilities);
  // headingLabels before 009: markers of the ancestors, then the heading; the path of titles
  const secs = db.prepare('SELECT id, parent_id, marker, title, heading, heading_path FROM sections ORDER BY id').all() as Array<Record<string, string | number | null>>;
  const byId = new Map(secs.map((s) => [s.id, s]));
  const markers = (s: Record<string, unknown>): string => (s.parent_id != null && byId.has(s.parent_id as number) ? markers(byId.get(s.parent_id as number)!) : '') + String(s.marker);
  const pathOf = (s: Record<string, unknown>): string =>
    (s.parent_id != null && byId.has(s.parent_id as number) ? `${pathOf(byId.get(s.parent_id as number)!)} / ` : '') + `${s.marker}${s.title}`;
  const badLabels = secs.filter((s) => s.heading !== `${markers(s)}${s.title}` || s.heading_path !== pathOf(s));
  // v_gaps before 009
  const gaps = (sql: string) => db.prepare(sql).pluck().all() as number[];
  const oldGaps = gaps(`SELECT i.id FROM items i WHERE i.review = 0
    AND ((i.marker IS NOT NULL AND i.kind IN ('goal','task')) OR EXISTS (SELECT 1 FROM targets t WHERE t.item_id = i.id AND t.status <> 'rejected'))
    AND NOT EXISTS (SELECT 1 FROM responsibilities r WHERE r.item_id = i.id AND r.status <> 'rejected') ORDER BY i.id`);
  const newGaps = gaps('SELECT item_id FROM v_gaps ORDER BY item_id');
  return { plans: plans.length, sections: secs.length, badPlans, badItems, badLabels: badLabels.map((s) => s.id), gapsAgree: JSON.stringify(oldGaps) === JSON.stringify(newGaps), gaps: newGaps.length };
}

describe('migration 009-query-speed', () => {
  it('counts and heading labels written with the rows match the rows', () => {
    const db = openDb(dbFile, { readonly: true });
    const r = recount(db);
    db.close();
    expect(r).toMatchObject({ plans: 7, badPlans: [], badItems: [], badLabels: [], gapsAgree: true });
    expect(r.gaps).toBeGreaterThan(100);
  });

  it('stay right when facts are rejected, plans replaced and removed', async () => {
    const file = path.join(tmpDir('speed-edit'), 'plans.db');
    copyFileSync(dbFile, file);
    let db = openDb(file);
    db.prepare("UPDATE targets SET status = 'rejected' WHERE id IN (SELECT id FROM targets ORDER BY id LIMIT 40)").run();
    db.prepare("UPDATE responsibilities SET status = 'rejected' WHERE id IN (SELECT id FROM responsibilities ORDER BY id LIMIT 20)").run();
    db.prepare("UPDATE targets SET status = 'confirmed' WHERE id IN (SELECT id FROM targets ORDER BY id LIMIT 10)").run();
    db.prepare("UPDATE responsibilities SET status = 'edited' WHERE id IN (SELECT id FROM responsibilities ORDER BY id LIMIT 5 OFFSET 30)").run();
    expect(recount(db)).toMatchObject({ badPlans: [], badItems: [], badLabels: [], gapsAgree: true });
    db.close();
    // re-ingesting a file replaces its plans (cascading deletes, then inserts)
    const report = await ingest(file, [seed(SEEDS.quzhou), seed(SEEDS.kunshan)]);
    expect(report.failed).toBe(0);
    db = openDb(file);
    expect(recount(db)).toMatchObject({ plans: 7, badPlans: [], badItems: [], badLabels: [], gapsAgree: true });
    db.prepare("DELETE FROM plans WHERE title LIKE '朔州%'").run();
    const after = recount(db);
    expect(after).toMatchObject({ plans: 5, badPlans: [], badItems: [], badLabels: [], gapsAgree: true });
    db.close();
  });
});

describe('query-side helpers agree with the build side', () => {
  it('canonical unit names without jieba', () => {
    const rules = loadRules();
    const model = unitModel(rules);
    const names = rules.unitNames.canonical.flatMap((c) => [c.name, ...c.aliases]);
    const written = [...names, ...names.flatMap((n) => ['市', '县', '区', '省', '街道', '市政府', '县人民政府'].map((p) => p + n)), ...rules.unitNames.examples.map((e) => e.name), '市卫生健康委员会', '昆山市卫健委', '卫 健 委', '教育'];
    for (const n of written) {
      expect([n, unitCanonicalizer()(n)]).toEqual([n, model.canonical(n)]);
      expect([n, unitCanonicalizer(rules)(n)]).toEqual([n, model.canonical(n)]);
    }
  });

  it('reads unit-names.yaml without the yaml parser as the parser reads it, or leaves it to the parser', () => {
    const text = readFileSync(path.join(loadRules().dir, 'unit-names.yaml'), 'utf8');
    const y = parseYaml(text) as { prefixes: string[]; canonical: unknown[] };
    expect(readQuickly(text)).toEqual({ prefixes: y.prefixes, canonical: y.canonical });
    for (const odd of [
      text.replace('prefixes: [', 'prefixes: ["省", '),
      text.replace('- { name: 卫健委, aliases: [', '- { name: 卫健委, aliases: [null, '),
      text.replace('- { name: 卫健委,', '- {name: 卫健委,'),
      text.replace('- { name: 民政局, aliases: [民政] }', '- name: 民政局\n    aliases: [民政]'),
      text.replace('prefixes: [省, 市', 'prefixes:\n  - 省\n  - 市'),
    ])
      expect(readQuickly(odd)).toBeNull();
  });

  it('indicator keys and correction fields', () => {
    for (const s of ['5 岁以下儿童死亡率', '婴儿死亡率（‰）', 'ＡＢＣ　率', '']) expect(indicatorKey(s)).toBe(writerKey(s));
    expect(TARGET_FIELDS).toEqual(Object.keys(TargetFields.shape));
    expect(RESPONSIBILITY_FIELDS).toEqual(Object.keys(ResponsibilityFields.shape));
  });
});
