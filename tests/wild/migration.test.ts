/** Issue 8: migration 007-wild rebuilds `sources` (formats html/doc) without losing rows or foreign keys. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/schema.js';
import { tmpDir } from '../helpers/paths.js';

describe('migration 007-wild', () => {
  it('keeps sources, plans and their cascade; allows html and doc; adds warnings', () => {
    const file = path.join(tmpDir('mig7'), 'old.db');
    const db = new Database(file);
    db.pragma('foreign_keys = ON');
    db.exec('CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
    for (const m of MIGRATIONS.filter((x) => x.name < '007')) {
      db.exec(m.sql);
      db.prepare('INSERT INTO migrations VALUES (?, ?)').run(m.name, 'then');
    }
    db.prepare("INSERT INTO sources (id, path, name, format, file_sha256, content_sha256, normalized_text, ingested_at) VALUES (1, '/a.txt', 'a.txt', 'txt', 'x', 'y', 'text', 'now')").run();
    db.prepare("INSERT INTO plans (id, source_id, plan_key, title, start, end) VALUES (1, 1, 'k', '某市儿童发展规划', 0, 4)").run();
    expect(() => db.prepare("INSERT INTO sources (path, name, format, file_sha256, content_sha256, normalized_text, ingested_at) VALUES ('/b.html', 'b', 'html', 'x', 'y', 't', 'n')").run()).toThrow(/CHECK/);

    migrate(db);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.prepare('SELECT title FROM plans').pluck().all()).toEqual(['某市儿童发展规划']);
    for (const f of ['html', 'doc']) db.prepare(`INSERT INTO sources (path, name, format, file_sha256, content_sha256, normalized_text, ingested_at) VALUES ('/c.${f}', 'c', ?, 'x', 'y', 't', 'n')`).run(f);
    expect(() => db.prepare("INSERT INTO sources (path, name, format, file_sha256, content_sha256, normalized_text, ingested_at) VALUES ('/d', 'd', 'xls', 'x', 'y', 't', 'n')").run()).toThrow(/CHECK/);
    db.prepare("INSERT INTO warnings (source_id, plan_id, code, severity, message, start, end, rule) VALUES (1, 1, 'partial-plan', 'warning', 'm', 0, 4, 'r')").run();
    expect(db.prepare('SELECT source, plan, code, text FROM v_warnings').get()).toEqual({ source: 'a.txt', plan: '某市儿童发展规划', code: 'partial-plan', text: 'text' });
    // the views over sources still work, and deleting a source still cascades to its plans and warnings
    expect(db.prepare('SELECT count(*) FROM v_plans').pluck().get()).toBe(1);
    db.prepare('DELETE FROM sources WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) FROM plans').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM warnings').pluck().get()).toBe(0);
    expect(() => db.prepare("INSERT INTO plans (source_id, plan_key, title, start, end) VALUES (99, 'z', 't', 0, 1)").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
