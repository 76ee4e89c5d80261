import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PlandbError } from '../errors.js';
import { unitModel } from '../extract/units.js';
import { pageOf, respQuote, sha256, sourceSlice, targetHeading, type DocResult } from '../pipeline.js';
import type { Rules } from '../rules/index.js';
import type { Warning } from '../ingest/types.js';
import { effectiveYear } from '../years.js';
import { MIGRATIONS } from './schema.js';

export type DB = Database.Database;

export function openDb(file: string, opts: { readonly?: boolean } = {}): DB {
  if (opts.readonly && !existsSync(file)) throw new PlandbError('DB', `database not found (build it with 'plandb rebuild')`, file);
  if (!opts.readonly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: DB;
  try {
    db = new Database(file, { readonly: !!opts.readonly, fileMustExist: !!opts.readonly });
  } catch (e) {
    throw new PlandbError('DB', `cannot open database: ${(e as Error).message}`, file);
  }
  db.pragma('foreign_keys = ON');
  if (!opts.readonly) {
    db.pragma('journal_mode = DELETE');
    migrate(db);
  }
  return db;
}

export function migrate(db: DB): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const done = new Set(db.prepare('SELECT name FROM migrations').pluck().all() as string[]);
  for (const m of MIGRATIONS) {
    if (done.has(m.name)) continue;
    // a table rebuild must not cascade deletes through the tables that reference it
    // (PRAGMA foreign_keys cannot change inside a transaction); legacy_alter_table keeps the
    // views that name the rebuilt table valid across its rename
    if (m.rebuildsTables) db.pragma('foreign_keys = OFF');
    if (m.rebuildsTables) db.pragma('legacy_alter_table = ON');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.rebuildsTables) {
          const bad = db.pragma('foreign_key_check') as unknown[];
          if (bad.length) throw new PlandbError('DB', `migration ${m.name} would break ${bad.length} foreign key(s)`);
        }
        db.prepare('INSERT INTO migrations (name, applied_at) VALUES (?, ?)').run(m.name, new Date().toISOString());
      })();
    } finally {
      if (m.rebuildsTables) {
        db.pragma('legacy_alter_table = OFF');
        db.pragma('foreign_keys = ON');
      }
    }
  }
}

/** Key that identifies a plan whatever file format it came from. */
export function planKey(title: string, region: string | null, period: [number, number] | null): string {
  const t = title.normalize('NFKC').replace(/[\s“”"「」]/g, '').replace(/[（(].*?[）)]$/u, '');
  return sha256(`${t}|${region ?? ''}|${period?.join('-') ?? ''}`).slice(0, 24);
}

/** Tokens for the full-text index: jieba words joined by spaces, so FTS5's unicode61 tokenizer can index Chinese. */
export function ftsTokens(text: string, rules: Rules): string {
  return unitModel(rules)
    .cut(text)
    .map((w) => w.trim())
    .filter((w) => w && !/^[\p{P}\s]+$/u.test(w))
    .join(' ');
}

export interface WriteStats {
  plans: number;
  sections: number;
  items: number;
  targets: number;
  responsibilities: number;
  replacedPlans: number;
}

/**
 * Writes one document in one transaction: replaces any earlier copy of the same file (by path)
 * and of the same plans (by plan key, even from another format). All or nothing.
 */
export function writeDocument(db: DB, doc: DocResult, rules: Rules): WriteStats {
  const units = unitModel(rules);
  const stats: WriteStats = { plans: 0, sections: 0, items: 0, targets: 0, responsibilities: 0, replacedPlans: 0 };
  const fullPath = path.resolve(doc.file);
  const q = {
    delSource: db.prepare('DELETE FROM sources WHERE path = ?'),
    delPlan: db.prepare('DELETE FROM plans WHERE plan_key = ?'),
    delPlansOfPath: db.prepare('DELETE FROM plans WHERE source_id IN (SELECT id FROM sources WHERE path = ?)'),
    orphanSources: db.prepare('DELETE FROM sources WHERE id NOT IN (SELECT source_id FROM plans)'),
    insSource: db.prepare(
      'INSERT INTO sources (path, name, format, encoding, file_sha256, content_sha256, pages, normalized_text, ingested_at) VALUES (?,?,?,?,?,?,?,?,?)',
    ),
    insPlan: db.prepare('INSERT INTO plans (source_id, plan_key, title, region, subject, period_start, period_end, start, end) VALUES (?,?,?,?,?,?,?,?,?)'),
    insSection: db.prepare('INSERT INTO sections (plan_id, parent_id, level, kind, marker, title, path, start, end, page, rule_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)'),
    insItem: db.prepare('INSERT INTO items (plan_id, section_id, marker, kind, review, text, start, end, page) VALUES (?,?,?,?,?,?,?,?,?)'),
    insFts: db.prepare('INSERT INTO items_fts (rowid, tokens) VALUES (?, ?)'),
    delFts: db.prepare('DELETE FROM items_fts WHERE rowid NOT IN (SELECT id FROM items)'),
    insTarget: db.prepare(
      'INSERT INTO targets (plan_id, item_id, section_id, kind, indicator, indicator_key, op, value, value2, unit, year, effective_year, baseline, baseline_year, quote, start, end, page, rule_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
    ),
    insResp: db.prepare('INSERT INTO responsibilities (plan_id, item_id, section_id, role, quote, start, end, page, rule_id) VALUES (?,?,?,?,?,?,?,?,?)'),
    unitId: db.prepare('SELECT id FROM units WHERE canonical = ?').pluck(),
    insUnit: db.prepare('INSERT INTO units (canonical) VALUES (?)'),
    insAlias: db.prepare('INSERT OR IGNORE INTO unit_aliases (alias, unit_id) VALUES (?, ?)'),
    insWarning: db.prepare('INSERT INTO warnings (source_id, plan_id, code, severity, message, start, end, page, rule) VALUES (?,?,?,?,?,?,?,?,?)'),
    insRU: db.prepare('INSERT INTO responsibility_units (responsibility_id, position, unit_id, name) VALUES (?,?,?,?)'),
  };
  const unitIdOf = (name: string): number => {
    const canon = units.canonical(name);
    let id = q.unitId.get(canon) as number | undefined;
    if (id === undefined) id = Number(q.insUnit.run(canon).lastInsertRowid);
    q.insAlias.run(canon, id);
    q.insAlias.run(name, id);
    return id;
  };
  db.transaction(() => {
    for (const { plan } of doc.plans) stats.replacedPlans += q.delPlan.run(planKey(plan.title, plan.region, plan.period)).changes;
    stats.replacedPlans += q.delPlansOfPath.run(fullPath).changes;
    q.delSource.run(fullPath);
    q.orphanSources.run();
    q.delFts.run();
    const sourceId = Number(
      q.insSource.run(fullPath, path.basename(doc.file), doc.format, doc.encoding ?? null, sha256(doc.source), doc.contentHash, doc.pageStarts?.length ?? null, doc.norm.text, new Date().toISOString())
        .lastInsertRowid,
    );
    const planIds: number[] = [];
    for (const { plan, targets, responsibilities } of doc.plans) {
      const planId = Number(
        q.insPlan.run(sourceId, planKey(plan.title, plan.region, plan.period), plan.title, plan.region, plan.subject, plan.period?.[0] ?? null, plan.period?.[1] ?? null, plan.start, plan.end)
          .lastInsertRowid,
      );
      stats.plans++;
      planIds.push(planId);
      const sectionIds: number[] = [];
      for (const h of plan.headings) {
        const parent = h.parent === null ? null : sectionIds[h.parent]!;
        sectionIds.push(Number(q.insSection.run(planId, parent, h.level, h.kind, h.marker, h.title, h.path, h.start, h.end, pageOf(doc, h.start), h.ruleId).lastInsertRowid));
        stats.sections++;
      }
      const secOf = (idx: number | null) => (idx === null ? null : sectionIds[idx]!);
      const itemIds: number[] = [];
      for (const it of plan.items) {
        const id = Number(q.insItem.run(planId, secOf(it.heading), it.marker, it.kind, it.review ? 1 : 0, it.text, it.start, it.end, pageOf(doc, it.start)).lastInsertRowid);
        itemIds.push(id);
        q.insFts.run(id, ftsTokens(it.text, rules));
        stats.items++;
      }
      for (const t of targets) {
        const section = targetHeading(plan, t);
        q.insTarget.run(
          planId, t.item === null ? null : itemIds[t.item]!, secOf(section), t.kind === 'text' ? 'measure' : t.kind, t.indicator, indicatorKey(t.indicator),
          t.op, t.value, t.value2, t.unit, t.year, effectiveYear(t.year, plan.period), t.baseline, t.baselineYear,
          sourceSlice(doc, t.start, t.end), t.start, t.end, pageOf(doc, t.start), t.ruleId,
        );
        stats.targets++;
      }
      for (const r of responsibilities) {
        const rid = Number(q.insResp.run(planId, itemIds[r.item]!, secOf(plan.items[r.item]!.heading), r.role, respQuote(doc, plan, r), r.start, r.end, pageOf(doc, r.start), r.ruleId).lastInsertRowid);
        r.units.forEach((u, pos) => q.insRU.run(rid, pos, unitIdOf(u), u));
        stats.responsibilities++;
      }
    }
    for (const w of doc.warnings) {
      const pi = warningPlan(doc, w);
      q.insWarning.run(sourceId, pi === null ? null : planIds[pi]!, w.code, w.severity, w.message, w.start, w.end, pageOf(doc, w.start), w.rule);
    }
  })();
  return stats;
}

/** Index of the plan a warning sits in (by its span), or null for a whole-file warning. */
export function warningPlan(doc: DocResult, w: Warning): number | null {
  if (w.start === 0 && w.end === 0) return null;
  const i = doc.plans.findIndex(({ plan }) => w.start >= plan.start && w.start <= plan.end);
  return i < 0 ? null : i;
}

/** Indicator names that differ only in spacing, width or brackets group together. */
export function indicatorKey(s: string): string {
  return s.normalize('NFKC').replace(/[\s　]/g, '').replace(/（/g, '(').replace(/）/g, ')').toLowerCase();
}

/** Builds a database at a temporary path and renames it over `file` only when `build` succeeds. */
export async function withNewDatabase<T>(file: string, build: (db: DB) => Promise<T>): Promise<T> {
  const tmp = `${file}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  const db = openDb(tmp);
  try {
    const out = await build(db);
    db.close();
    renameSync(tmp, file);
    return out;
  } catch (e) {
    if (db.open) db.close();
    rmSync(tmp, { force: true });
    throw e;
  }
}

export interface DbCounts {
  sources: number;
  plans: number;
  sections: number;
  items: number;
  targets: number;
  units: number;
  responsibilities: number;
}

export function counts(db: DB): DbCounts {
  const n = (t: string) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
  return {
    sources: n('sources'),
    plans: n('plans'),
    sections: n('sections'),
    items: n('items'),
    targets: n('targets'),
    units: n('units'),
    responsibilities: n('responsibilities'),
  };
}
