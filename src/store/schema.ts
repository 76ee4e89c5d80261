/** Named migrations, applied in order and recorded in `migrations`. Never edit one that has shipped: add a new one. */
/**
 * `rebuildsTables`: the migration recreates a table that others reference (SQLite changes a CHECK
 * only by a table rebuild), so it runs with foreign keys off, then checks them before committing.
 */
export const MIGRATIONS: Array<{ name: string; sql: string; rebuildsTables?: boolean }> = [
  {
    name: '001-initial',
    sql: `
CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('txt','pdf','docx')),
  encoding TEXT,
  file_sha256 TEXT NOT NULL,
  content_sha256 TEXT NOT NULL,
  pages INTEGER,
  normalized_text TEXT NOT NULL,
  ingested_at TEXT NOT NULL
);
CREATE TABLE plans (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  plan_key TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  region TEXT,
  subject TEXT,
  period_start INTEGER,
  period_end INTEGER,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL
);
CREATE TABLE sections (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES sections(id) ON DELETE CASCADE,
  level INTEGER NOT NULL,
  kind TEXT NOT NULL,
  marker TEXT NOT NULL,
  title TEXT NOT NULL,
  path TEXT NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  page INTEGER,
  rule_id TEXT NOT NULL
);
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  section_id INTEGER REFERENCES sections(id) ON DELETE CASCADE,
  marker TEXT,
  kind TEXT NOT NULL,
  review INTEGER NOT NULL DEFAULT 0,
  text TEXT NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  page INTEGER
);
CREATE TABLE targets (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  item_id INTEGER REFERENCES items(id) ON DELETE CASCADE,
  section_id INTEGER REFERENCES sections(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('goal','measure','table','task')),
  indicator TEXT NOT NULL,
  indicator_key TEXT NOT NULL,
  op TEXT NOT NULL,
  value REAL,
  value2 REAL,
  unit TEXT,
  year INTEGER,
  effective_year INTEGER,
  baseline REAL,
  baseline_year INTEGER,
  quote TEXT NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  page INTEGER,
  rule_id TEXT NOT NULL
);
CREATE TABLE units (
  id INTEGER PRIMARY KEY,
  canonical TEXT NOT NULL UNIQUE
);
CREATE TABLE unit_aliases (
  alias TEXT PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE
);
CREATE TABLE responsibilities (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  section_id INTEGER REFERENCES sections(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('responsible','lead','support')),
  quote TEXT NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  page INTEGER,
  rule_id TEXT NOT NULL
);
CREATE TABLE responsibility_units (
  responsibility_id INTEGER NOT NULL REFERENCES responsibilities(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  PRIMARY KEY (responsibility_id, position)
);
CREATE INDEX plans_source ON plans(source_id);
CREATE INDEX sections_plan ON sections(plan_id);
CREATE INDEX items_plan ON items(plan_id);
CREATE INDEX items_section ON items(section_id);
CREATE INDEX targets_plan ON targets(plan_id);
CREATE INDEX targets_item ON targets(item_id);
CREATE INDEX targets_indicator ON targets(indicator_key);
CREATE INDEX resp_plan ON responsibilities(plan_id);
CREATE INDEX resp_item ON responsibilities(item_id);
CREATE INDEX resp_units_unit ON responsibility_units(unit_id);
CREATE VIRTUAL TABLE items_fts USING fts5(tokens, tokenize = 'unicode61');

-- one row per target with its plan and heading path
CREATE VIEW v_targets AS
SELECT t.id AS target_id, p.id AS plan_id, p.title AS plan, p.region, p.subject,
       s.path AS heading, s.title AS section, t.kind, t.indicator, t.op, t.value, t.value2, t.unit,
       t.year, t.effective_year, t.baseline, t.baseline_year, t.quote, t.page, src.name AS source
FROM targets t JOIN plans p ON p.id = t.plan_id JOIN sources src ON src.id = p.source_id
LEFT JOIN sections s ON s.id = t.section_id;

-- one row per (unit, role, item): what each unit is responsible for
CREATE VIEW v_unit_items AS
SELECT u.canonical AS unit, ru.name AS unit_as_written, r.role, p.id AS plan_id, p.title AS plan, p.region,
       s.path AS heading, i.id AS item_id, i.kind AS item_kind, r.quote, i.text AS item_text, r.page
FROM responsibility_units ru JOIN units u ON u.id = ru.unit_id
JOIN responsibilities r ON r.id = ru.responsibility_id
JOIN items i ON i.id = r.item_id JOIN plans p ON p.id = r.plan_id
LEFT JOIN sections s ON s.id = r.section_id;

-- one row per (unit, role, target): "which targets does 市卫健委 lead?"
CREATE VIEW v_unit_targets AS
SELECT ui.unit, ui.unit_as_written, ui.role, ui.plan_id, ui.plan, ui.region, ui.heading,
       t.kind, t.indicator, t.op, t.value, t.value2, t.unit AS value_unit, t.year, t.effective_year, t.quote, t.id AS target_id
FROM v_unit_items ui JOIN targets t ON t.item_id = ui.item_id;

-- goals and items without any responsible unit
CREATE VIEW v_gaps AS
SELECT p.id AS plan_id, p.title AS plan, s.path AS heading, i.id AS item_id, i.kind, i.marker, substr(i.text, 1, 60) AS item
FROM items i JOIN plans p ON p.id = i.plan_id LEFT JOIN sections s ON s.id = i.section_id
WHERE i.review = 0
  AND ((i.marker IS NOT NULL AND i.kind IN ('goal','task')) OR EXISTS (SELECT 1 FROM targets t WHERE t.item_id = i.id))
  AND NOT EXISTS (SELECT 1 FROM responsibilities r WHERE r.item_id = i.id);
`,
  },
  {
    name: '002-query-views',
    sql: `
-- one row per heading with its full path of titles: 三、优先发展领域和目标策略 / （一）儿童健康
CREATE VIEW v_headings AS
WITH RECURSIVE h(section_id, plan_id, level, markers, heading_path) AS (
  SELECT id, plan_id, level, marker, marker || title FROM sections WHERE parent_id IS NULL
  UNION ALL
  SELECT s.id, s.plan_id, s.level, h.markers || s.marker, h.heading_path || ' / ' || s.marker || s.title
  FROM sections s JOIN h ON s.parent_id = h.section_id
)
SELECT h.section_id, h.plan_id, p.title AS plan, h.level, s.path, h.markers || s.title AS heading, h.heading_path, s.page
FROM h JOIN sections s ON s.id = h.section_id JOIN plans p ON p.id = h.plan_id;

-- one row per plan with its counts
CREATE VIEW v_plans AS
SELECT p.id AS plan_id, p.title AS plan, p.region, p.subject, p.period_start, p.period_end, src.name AS source,
       (SELECT count(*) FROM sections s WHERE s.plan_id = p.id) AS sections,
       (SELECT count(*) FROM items i WHERE i.plan_id = p.id) AS items,
       (SELECT count(*) FROM targets t WHERE t.plan_id = p.id) AS targets,
       (SELECT count(*) FROM responsibilities r WHERE r.plan_id = p.id) AS responsibilities
FROM plans p JOIN sources src ON src.id = p.source_id;

-- one row per canonical unit: other names it is written as, responsibilities by role
CREATE VIEW v_units AS
SELECT u.id AS unit_id, u.canonical AS unit,
       (SELECT group_concat(a.alias, '、') FROM unit_aliases a WHERE a.unit_id = u.id AND a.alias <> u.canonical) AS aliases,
       (SELECT count(*) FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id WHERE ru.unit_id = u.id AND r.role = 'lead') AS lead,
       (SELECT count(*) FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id WHERE ru.unit_id = u.id AND r.role = 'support') AS support,
       (SELECT count(*) FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id WHERE ru.unit_id = u.id AND r.role = 'responsible') AS responsible
FROM units u;
`,
  },
  {
    name: '003-hardening',
    sql: `
-- facts about the database itself: plandb_version = the version of the plandb that last wrote it
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`,
  },
  {
    name: '005-indicators-units',
    sql: `
-- canonical indicators (extract-rules/indicator-catalogue.yaml), written with every build
CREATE TABLE indicators (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  unit TEXT,
  better TEXT NOT NULL CHECK (better IN ('lower','higher')),
  domain TEXT NOT NULL,
  seeded_from TEXT NOT NULL,
  aliases TEXT NOT NULL
);
ALTER TABLE targets ADD COLUMN indicator_id TEXT REFERENCES indicators(id);
CREATE INDEX targets_indicator_id ON targets(indicator_id);

-- administrative divisions (GB/T 2260) that plans belong to, with their parents
CREATE TABLE divisions (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('country','province','city','county')),
  parent_code TEXT REFERENCES divisions(code)
);
ALTER TABLE plans ADD COLUMN division_code TEXT REFERENCES divisions(code);
-- codes from the plan's own division up to the country: 320583/320500/320000/000000
ALTER TABLE plans ADD COLUMN division_chain TEXT;
ALTER TABLE plans ADD COLUMN province TEXT;
CREATE INDEX plans_division ON plans(division_code);

-- a unit is a body (卫健委) of one government (昆山市): canonical = government || body
ALTER TABLE units ADD COLUMN government TEXT;
ALTER TABLE units ADD COLUMN body TEXT;
CREATE INDEX units_body ON units(body);
-- one name as written (市卫健委) belongs to one unit per government
CREATE TABLE unit_aliases_new (
  alias TEXT NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
  PRIMARY KEY (alias, unit_id)
);
INSERT INTO unit_aliases_new (alias, unit_id) SELECT alias, unit_id FROM unit_aliases;
DROP VIEW v_units;
DROP TABLE unit_aliases;
ALTER TABLE unit_aliases_new RENAME TO unit_aliases;
CREATE INDEX unit_aliases_unit ON unit_aliases(unit_id);

DROP VIEW v_targets;
CREATE VIEW v_targets AS
SELECT t.id AS target_id, p.id AS plan_id, p.title AS plan, p.region, p.province, p.division_code, p.subject,
       s.path AS heading, s.title AS section, t.kind, t.indicator, t.indicator_id, ind.name AS indicator_name, ind.domain,
       t.op, t.value, t.value2, t.unit, t.year, t.effective_year, t.baseline, t.baseline_year, t.quote, t.page, src.name AS source
FROM targets t JOIN plans p ON p.id = t.plan_id JOIN sources src ON src.id = p.source_id
LEFT JOIN sections s ON s.id = t.section_id LEFT JOIN indicators ind ON ind.id = t.indicator_id;

DROP VIEW v_unit_targets;
DROP VIEW v_unit_items;
CREATE VIEW v_unit_items AS
SELECT u.canonical AS unit, u.government, u.body, ru.name AS unit_as_written, r.role, p.id AS plan_id, p.title AS plan, p.region,
       s.path AS heading, i.id AS item_id, i.kind AS item_kind, r.quote, i.text AS item_text, r.page
FROM responsibility_units ru JOIN units u ON u.id = ru.unit_id
JOIN responsibilities r ON r.id = ru.responsibility_id
JOIN items i ON i.id = r.item_id JOIN plans p ON p.id = r.plan_id
LEFT JOIN sections s ON s.id = r.section_id;

CREATE VIEW v_unit_targets AS
SELECT ui.unit, ui.government, ui.body, ui.unit_as_written, ui.role, ui.plan_id, ui.plan, ui.region, ui.heading,
       t.kind, t.indicator, t.indicator_id, t.op, t.value, t.value2, t.unit AS value_unit, t.year, t.effective_year, t.quote, t.id AS target_id
FROM v_unit_items ui JOIN targets t ON t.item_id = ui.item_id;

CREATE VIEW v_units AS
SELECT u.id AS unit_id, u.canonical AS unit, u.government, u.body,
       (SELECT group_concat(a.alias, '、') FROM unit_aliases a WHERE a.unit_id = u.id AND a.alias <> u.canonical) AS aliases,
       (SELECT count(*) FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id WHERE ru.unit_id = u.id AND r.role = 'lead') AS lead,
       (SELECT count(*) FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id WHERE ru.unit_id = u.id AND r.role = 'support') AS support,
       (SELECT count(*) FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id WHERE ru.unit_id = u.id AND r.role = 'responsible') AS responsible
FROM units u;

DROP VIEW v_plans;
CREATE VIEW v_plans AS
SELECT p.id AS plan_id, p.title AS plan, p.region, p.province, p.division_code, p.subject, p.period_start, p.period_end, src.name AS source,
       (SELECT count(*) FROM sections s WHERE s.plan_id = p.id) AS sections,
       (SELECT count(*) FROM items i WHERE i.plan_id = p.id) AS items,
       (SELECT count(*) FROM targets t WHERE t.plan_id = p.id) AS targets,
       (SELECT count(*) FROM responsibilities r WHERE r.plan_id = p.id) AS responsibilities
FROM plans p JOIN sources src ON src.id = p.source_id;

-- one row per catalogue indicator with how many targets and plans use it
CREATE VIEW v_indicators AS
SELECT ind.id AS indicator_id, ind.name, ind.domain, ind.unit, ind.better, ind.seeded_from,
       count(t.id) AS targets, count(DISTINCT t.plan_id) AS plans
FROM indicators ind LEFT JOIN targets t ON t.indicator_id = ind.id
GROUP BY ind.id;
`,
  },
  {
    name: '006-review',
    sql: `
-- review state of every fact (plandb review / correct): extracted, confirmed, edited, added, rejected;
-- correction_id = id of the decision in the plan's corrections file; anchor = quote + occurrence in the plan
ALTER TABLE targets ADD COLUMN status TEXT NOT NULL DEFAULT 'extracted' CHECK (status IN ('extracted','confirmed','edited','added','rejected'));
ALTER TABLE targets ADD COLUMN correction_id INTEGER;
ALTER TABLE targets ADD COLUMN anchor_quote TEXT;
ALTER TABLE targets ADD COLUMN anchor_occurrence INTEGER;
ALTER TABLE responsibilities ADD COLUMN status TEXT NOT NULL DEFAULT 'extracted' CHECK (status IN ('extracted','confirmed','edited','added','rejected'));
ALTER TABLE responsibilities ADD COLUMN correction_id INTEGER;
ALTER TABLE responsibilities ADD COLUMN anchor_quote TEXT;
ALTER TABLE responsibilities ADD COLUMN anchor_occurrence INTEGER;
ALTER TABLE responsibilities ADD COLUMN quote_start INTEGER;

-- decisions that did not apply as written at the last build: stale (quote gone) or restored (fact no longer extracted)
CREATE TABLE review_notes (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  correction_id INTEGER NOT NULL,
  action TEXT NOT NULL,
  fact TEXT NOT NULL,
  quote TEXT NOT NULL,
  occurrence INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('stale','restored')),
  reason TEXT NOT NULL
);
CREATE INDEX review_notes_plan ON review_notes(plan_id);

-- query views hide rejected facts (the tables keep them, with their status)
DROP VIEW v_unit_targets;
DROP VIEW v_targets;
CREATE VIEW v_targets AS
SELECT t.id AS target_id, p.id AS plan_id, p.title AS plan, p.region, p.province, p.division_code, p.subject,
       s.path AS heading, s.title AS section, t.kind, t.indicator, t.indicator_id, ind.name AS indicator_name, ind.domain,
       t.op, t.value, t.value2, t.unit, t.year, t.effective_year, t.baseline, t.baseline_year, t.quote, t.page, src.name AS source, t.status
FROM targets t JOIN plans p ON p.id = t.plan_id JOIN sources src ON src.id = p.source_id
LEFT JOIN sections s ON s.id = t.section_id LEFT JOIN indicators ind ON ind.id = t.indicator_id
WHERE t.status <> 'rejected';

DROP VIEW v_gaps;
DROP VIEW v_unit_items;
CREATE VIEW v_unit_items AS
SELECT u.canonical AS unit, u.government, u.body, ru.name AS unit_as_written, r.role, p.id AS plan_id, p.title AS plan, p.region,
       s.path AS heading, i.id AS item_id, i.kind AS item_kind, r.quote, i.text AS item_text, r.page
FROM responsibility_units ru JOIN units u ON u.id = ru.unit_id
JOIN responsibilities r ON r.id = ru.responsibility_id
JOIN items i ON i.id = r.item_id JOIN plans p ON p.id = r.plan_id
LEFT JOIN sections s ON s.id = r.section_id
WHERE r.status <> 'rejected';

CREATE VIEW v_unit_targets AS
SELECT ui.unit, ui.government, ui.body, ui.unit_as_written, ui.role, ui.plan_id, ui.plan, ui.region, ui.heading,
       t.kind, t.indicator, t.indicator_id, t.op, t.value, t.value2, t.unit AS value_unit, t.year, t.effective_year, t.quote, t.id AS target_id
FROM v_unit_items ui JOIN targets t ON t.item_id = ui.item_id
WHERE t.status <> 'rejected';

CREATE VIEW v_gaps AS
SELECT p.id AS plan_id, p.title AS plan, s.path AS heading, i.id AS item_id, i.kind, i.marker, substr(i.text, 1, 60) AS item
FROM items i JOIN plans p ON p.id = i.plan_id LEFT JOIN sections s ON s.id = i.section_id
WHERE i.review = 0
  AND ((i.marker IS NOT NULL AND i.kind IN ('goal','task')) OR EXISTS (SELECT 1 FROM targets t WHERE t.item_id = i.id AND t.status <> 'rejected'))
  AND NOT EXISTS (SELECT 1 FROM responsibilities r WHERE r.item_id = i.id AND r.status <> 'rejected');

DROP VIEW v_plans;
CREATE VIEW v_plans AS
SELECT p.id AS plan_id, p.title AS plan, p.region, p.province, p.division_code, p.subject, p.period_start, p.period_end, src.name AS source,
       (SELECT count(*) FROM sections s WHERE s.plan_id = p.id) AS sections,
       (SELECT count(*) FROM items i WHERE i.plan_id = p.id) AS items,
       (SELECT count(*) FROM targets t WHERE t.plan_id = p.id AND t.status <> 'rejected') AS targets,
       (SELECT count(*) FROM responsibilities r WHERE r.plan_id = p.id AND r.status <> 'rejected') AS responsibilities
FROM plans p JOIN sources src ON src.id = p.source_id;

DROP VIEW v_units;
CREATE VIEW v_units AS
SELECT u.id AS unit_id, u.canonical AS unit, u.government, u.body,
       (SELECT group_concat(a.alias, '、') FROM unit_aliases a WHERE a.unit_id = u.id AND a.alias <> u.canonical) AS aliases,
       (SELECT count(*) FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id WHERE ru.unit_id = u.id AND r.role = 'lead' AND r.status <> 'rejected') AS lead,
       (SELECT count(*) FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id WHERE ru.unit_id = u.id AND r.role = 'support' AND r.status <> 'rejected') AS support,
       (SELECT count(*) FROM responsibility_units ru JOIN responsibilities r ON r.id = ru.responsibility_id WHERE ru.unit_id = u.id AND r.role = 'responsible' AND r.status <> 'rejected') AS responsible
FROM units u;

DROP VIEW v_indicators;
CREATE VIEW v_indicators AS
SELECT ind.id AS indicator_id, ind.name, ind.domain, ind.unit, ind.better, ind.seeded_from,
       count(t.id) AS targets, count(DISTINCT t.plan_id) AS plans
FROM indicators ind LEFT JOIN targets t ON t.indicator_id = ind.id AND t.status <> 'rejected'
GROUP BY ind.id;
`,
  },
  {
    name: '007-wild',
    rebuildsTables: true,
    sql: `
-- sources.format also allows 'html' (saved web pages) and 'doc' (Word 97-2003): rebuild the table
CREATE TABLE sources_new (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('txt','pdf','docx','html','doc')),
  encoding TEXT,
  file_sha256 TEXT NOT NULL,
  content_sha256 TEXT NOT NULL,
  pages INTEGER,
  normalized_text TEXT NOT NULL,
  ingested_at TEXT NOT NULL
);
INSERT INTO sources_new SELECT id, path, name, format, encoding, file_sha256, content_sha256, pages, normalized_text, ingested_at FROM sources;
DROP TABLE sources;
ALTER TABLE sources_new RENAME TO sources;

-- positioned warnings raised by any stage on a document (partial plan, title without a region, …)
CREATE TABLE warnings (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  plan_id INTEGER REFERENCES plans(id) ON DELETE CASCADE,
  code TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('info','warning','error')),
  message TEXT NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  page INTEGER,
  rule TEXT NOT NULL
);
CREATE INDEX warnings_source ON warnings(source_id);
CREATE INDEX warnings_plan ON warnings(plan_id);

-- one row per warning with its file and plan
CREATE VIEW v_warnings AS
SELECT w.id AS warning_id, src.name AS source, src.format, p.title AS plan, w.severity, w.code, w.message,
       w.start, w.end, w.page, w.rule, substr(src.normalized_text, w.start + 1, max(w.end - w.start, 0)) AS text
FROM warnings w JOIN sources src ON src.id = w.source_id LEFT JOIN plans p ON p.id = w.plan_id;
`,
  },
  {
    name: '008-scale',
    rebuildsTables: true,
    sql: `
-- cascading deletes and parent lookups walk these columns: without an index, replacing one plan
-- scans every section, target and responsibility of the database
CREATE INDEX sections_parent ON sections(parent_id);
CREATE INDEX targets_section ON targets(section_id);
CREATE INDEX resp_section ON responsibilities(section_id);

-- the full-text index keeps only its index (the tokens are made from items.text by jieba), and
-- rows are deleted by rowid when their items go
CREATE VIRTUAL TABLE items_fts_new USING fts5(tokens, content = '', contentless_delete = 1, tokenize = 'unicode61');
INSERT INTO items_fts_new (rowid, tokens) SELECT rowid, tokens FROM items_fts;
DROP TABLE items_fts;
ALTER TABLE items_fts_new RENAME TO items_fts;

-- what a source's rows were made from, so that a rebuild skips the files that have not changed:
-- file_size + file_mtime (ms) say a file is untouched without reading it, file_sha256 when they
-- differ; extract_key = sha256(plandb version, rule files); corrections_key = sha256(decisions
-- about its plans). The long normalized_text goes last: columns after it are read through its
-- overflow pages.
CREATE TABLE sources_new (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('txt','pdf','docx','html','doc')),
  encoding TEXT,
  file_sha256 TEXT NOT NULL,
  file_size INTEGER,
  file_mtime REAL,
  content_sha256 TEXT NOT NULL,
  extract_key TEXT,
  corrections_key TEXT,
  pages INTEGER,
  ingested_at TEXT NOT NULL,
  normalized_text TEXT NOT NULL
);
INSERT INTO sources_new (id, path, name, format, encoding, file_sha256, content_sha256, pages, ingested_at, normalized_text)
SELECT id, path, name, format, encoding, file_sha256, content_sha256, pages, ingested_at, normalized_text FROM sources;
DROP TABLE sources;
ALTER TABLE sources_new RENAME TO sources;
`,
  },
  {
    name: '009-query-speed',
    sql: `
-- query commands on large databases (thousands of plans): composite indexes that answer the
-- counts and the "not rejected" filters from the index alone (they replace the single-column ones)
CREATE INDEX targets_plan_status ON targets(plan_id, status);
CREATE INDEX resp_plan_status ON responsibilities(plan_id, status);
CREATE INDEX targets_item_status ON targets(item_id, status);
CREATE INDEX resp_item_status ON responsibilities(item_id, status);
CREATE INDEX targets_indicator_id_plan ON targets(indicator_id, plan_id, status);
-- items of a plan in document order (plandb gaps, search fallback)
CREATE INDEX items_plan_start ON items(plan_id, start);
-- a source's name without reading its row (which holds the whole normalised text): plandb plans
CREATE INDEX sources_name ON sources(id, name);
-- the catalogue's coverage (plandb indicators) counted from the index
CREATE INDEX targets_kind_indicator_id ON targets(kind, indicator_id);
DROP INDEX targets_plan;
DROP INDEX resp_plan;
DROP INDEX targets_item;
DROP INDEX resp_item;
DROP INDEX targets_indicator_id;
DROP INDEX items_plan;

-- counts kept by triggers as rows are written, so that listing 3000 plans or 300 000 items does
-- not count their rows again: plans.n_* = the plan's sections, items, and targets and
-- responsibilities not rejected; items.n_* = the item's targets and responsibilities not rejected
ALTER TABLE plans ADD COLUMN n_sections INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN n_items INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN n_targets INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN n_responsibilities INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN n_targets INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN n_responsibilities INTEGER NOT NULL DEFAULT 0;
UPDATE plans SET
  n_sections = (SELECT count(*) FROM sections s WHERE s.plan_id = plans.id),
  n_items = (SELECT count(*) FROM items i WHERE i.plan_id = plans.id),
  n_targets = (SELECT count(*) FROM targets t WHERE t.plan_id = plans.id AND t.status <> 'rejected'),
  n_responsibilities = (SELECT count(*) FROM responsibilities r WHERE r.plan_id = plans.id AND r.status <> 'rejected');
UPDATE items SET
  n_targets = (SELECT count(*) FROM targets t WHERE t.item_id = items.id AND t.status <> 'rejected'),
  n_responsibilities = (SELECT count(*) FROM responsibilities r WHERE r.item_id = items.id AND r.status <> 'rejected');
CREATE TRIGGER sections_count_ins AFTER INSERT ON sections BEGIN
  UPDATE plans SET n_sections = n_sections + 1 WHERE id = NEW.plan_id;
END;
CREATE TRIGGER sections_count_del AFTER DELETE ON sections BEGIN
  UPDATE plans SET n_sections = n_sections - 1 WHERE id = OLD.plan_id;
END;
CREATE TRIGGER items_count_ins AFTER INSERT ON items BEGIN
  UPDATE plans SET n_items = n_items + 1 WHERE id = NEW.plan_id;
END;
CREATE TRIGGER items_count_del AFTER DELETE ON items BEGIN
  UPDATE plans SET n_items = n_items - 1 WHERE id = OLD.plan_id;
END;
CREATE TRIGGER targets_count_ins AFTER INSERT ON targets WHEN NEW.status <> 'rejected' BEGIN
  UPDATE plans SET n_targets = n_targets + 1 WHERE id = NEW.plan_id;
  UPDATE items SET n_targets = n_targets + 1 WHERE id = NEW.item_id;
END;
CREATE TRIGGER targets_count_del AFTER DELETE ON targets WHEN OLD.status <> 'rejected' BEGIN
  UPDATE plans SET n_targets = n_targets - 1 WHERE id = OLD.plan_id;
  UPDATE items SET n_targets = n_targets - 1 WHERE id = OLD.item_id;
END;
CREATE TRIGGER targets_count_upd AFTER UPDATE OF status, plan_id, item_id ON targets
WHEN (OLD.status <> 'rejected') <> (NEW.status <> 'rejected') OR OLD.plan_id IS NOT NEW.plan_id OR OLD.item_id IS NOT NEW.item_id BEGIN
  UPDATE plans SET n_targets = n_targets - (OLD.status <> 'rejected') WHERE id = OLD.plan_id;
  UPDATE items SET n_targets = n_targets - (OLD.status <> 'rejected') WHERE id = OLD.item_id;
  UPDATE plans SET n_targets = n_targets + (NEW.status <> 'rejected') WHERE id = NEW.plan_id;
  UPDATE items SET n_targets = n_targets + (NEW.status <> 'rejected') WHERE id = NEW.item_id;
END;
CREATE TRIGGER resp_count_ins AFTER INSERT ON responsibilities WHEN NEW.status <> 'rejected' BEGIN
  UPDATE plans SET n_responsibilities = n_responsibilities + 1 WHERE id = NEW.plan_id;
  UPDATE items SET n_responsibilities = n_responsibilities + 1 WHERE id = NEW.item_id;
END;
CREATE TRIGGER resp_count_del AFTER DELETE ON responsibilities WHEN OLD.status <> 'rejected' BEGIN
  UPDATE plans SET n_responsibilities = n_responsibilities - 1 WHERE id = OLD.plan_id;
  UPDATE items SET n_responsibilities = n_responsibilities - 1 WHERE id = OLD.item_id;
END;
CREATE TRIGGER resp_count_upd AFTER UPDATE OF status, plan_id, item_id ON responsibilities
WHEN (OLD.status <> 'rejected') <> (NEW.status <> 'rejected') OR OLD.plan_id IS NOT NEW.plan_id OR OLD.item_id IS NOT NEW.item_id BEGIN
  UPDATE plans SET n_responsibilities = n_responsibilities - (OLD.status <> 'rejected') WHERE id = OLD.plan_id;
  UPDATE items SET n_responsibilities = n_responsibilities - (OLD.status <> 'rejected') WHERE id = OLD.item_id;
  UPDATE plans SET n_responsibilities = n_responsibilities + (NEW.status <> 'rejected') WHERE id = NEW.plan_id;
  UPDATE items SET n_responsibilities = n_responsibilities + (NEW.status <> 'rejected') WHERE id = NEW.item_id;
END;

-- gaps (v_gaps: goals and items that name no responsible unit) from the counts, and an index of
-- just the gaps in plan and document order
CREATE INDEX items_gaps ON items(plan_id, start)
  WHERE review = 0 AND n_responsibilities = 0 AND ((marker IS NOT NULL AND kind IN ('goal','task')) OR n_targets > 0);
DROP VIEW v_gaps;
CREATE VIEW v_gaps AS
SELECT p.id AS plan_id, p.title AS plan, s.path AS heading, i.id AS item_id, i.kind, i.marker, substr(i.text, 1, 60) AS item
FROM items i JOIN plans p ON p.id = i.plan_id LEFT JOIN sections s ON s.id = i.section_id
WHERE i.review = 0 AND i.n_responsibilities = 0 AND ((i.marker IS NOT NULL AND i.kind IN ('goal','task')) OR i.n_targets > 0);

DROP VIEW v_plans;
CREATE VIEW v_plans AS
SELECT p.id AS plan_id, p.title AS plan, p.region, p.province, p.division_code, p.subject, p.period_start, p.period_end, src.name AS source,
       p.n_sections AS sections, p.n_items AS items, p.n_targets AS targets, p.n_responsibilities AS responsibilities
FROM plans p JOIN sources src ON src.id = p.source_id;

-- each heading's display labels, computed once when it is written (by the trigger below) rather
-- than from the whole sections table by every query:
--   markers      = the markers of its ancestors then its own: 三、（一）
--   heading      = markers || title: 三、（一）儿童健康
--   heading_path = every heading with its title: 三、优先发展领域和目标策略 / （一）儿童健康
ALTER TABLE sections ADD COLUMN markers TEXT;
ALTER TABLE sections ADD COLUMN heading TEXT;
ALTER TABLE sections ADD COLUMN heading_path TEXT;
WITH RECURSIVE h(id, markers, heading_path) AS (
  SELECT s.id, s.marker, s.marker || s.title FROM sections s
  WHERE s.parent_id IS NULL OR NOT EXISTS (SELECT 1 FROM sections p WHERE p.id = s.parent_id)
  UNION ALL
  SELECT s.id, h.markers || s.marker, h.heading_path || ' / ' || s.marker || s.title FROM sections s JOIN h ON s.parent_id = h.id
)
UPDATE sections SET markers = h.markers, heading = h.markers || sections.title, heading_path = h.heading_path FROM h WHERE h.id = sections.id;
-- a section is written after its parent (the foreign key) and never updated
CREATE TRIGGER sections_labels AFTER INSERT ON sections BEGIN
  UPDATE sections SET
    markers = coalesce((SELECT p.markers FROM sections p WHERE p.id = NEW.parent_id), '') || NEW.marker,
    heading = coalesce((SELECT p.markers FROM sections p WHERE p.id = NEW.parent_id), '') || NEW.marker || NEW.title,
    heading_path = coalesce((SELECT p.heading_path || ' / ' FROM sections p WHERE p.id = NEW.parent_id), '') || NEW.marker || NEW.title
  WHERE id = NEW.id;
END;
`,
  },
  {
    name: '010-unit-speed',
    sql: `
-- plandb units and plandb unit NAME on large databases (45 000 units, 卫健委 in 2 000 plans): each
-- responsibility_units row carries what those queries sort and count by, copied from its
-- responsibility and item, so that one index answers them without reading the wide rows:
--   plan_id, item_id, role, live (the responsibility is not rejected), item_start (document order),
--   item_targets (the item's targets not rejected = items.n_targets),
--   key_first (live, and the first row of its unit, name, role and item: a row of plandb unit NAME,
--   which lists each unit / name / role once per item)
ALTER TABLE responsibility_units ADD COLUMN plan_id INTEGER;
ALTER TABLE responsibility_units ADD COLUMN item_id INTEGER;
ALTER TABLE responsibility_units ADD COLUMN role TEXT;
ALTER TABLE responsibility_units ADD COLUMN live INTEGER NOT NULL DEFAULT 1;
ALTER TABLE responsibility_units ADD COLUMN item_start INTEGER;
ALTER TABLE responsibility_units ADD COLUMN item_targets INTEGER NOT NULL DEFAULT 0;
ALTER TABLE responsibility_units ADD COLUMN key_first INTEGER NOT NULL DEFAULT 0;
UPDATE responsibility_units SET (plan_id, item_id, role, live, item_start, item_targets) =
  (SELECT r.plan_id, r.item_id, r.role, r.status <> 'rejected', i.start, i.n_targets
   FROM responsibilities r JOIN items i ON i.id = r.item_id WHERE r.id = responsibility_units.responsibility_id);
UPDATE responsibility_units SET key_first = live AND NOT EXISTS (SELECT 1 FROM responsibility_units x
  WHERE x.unit_id = responsibility_units.unit_id AND x.item_id = responsibility_units.item_id AND x.role = responsibility_units.role
    AND x.name = responsibility_units.name AND x.live AND x.rowid < responsibility_units.rowid);
DROP INDEX resp_units_unit;
CREATE INDEX ru_unit_order ON responsibility_units(unit_id, key_first, plan_id, item_start, item_id, role, name, item_targets);
-- the copies follow their sources (the writer fills them when it inserts; these keep later changes)
CREATE TRIGGER ru_copy_resp AFTER UPDATE OF status, role, plan_id, item_id ON responsibilities BEGIN
  UPDATE responsibility_units SET plan_id = NEW.plan_id, item_id = NEW.item_id, role = NEW.role, live = NEW.status <> 'rejected',
    item_start = (SELECT start FROM items WHERE id = NEW.item_id), item_targets = (SELECT n_targets FROM items WHERE id = NEW.item_id)
  WHERE responsibility_id = NEW.id;
  UPDATE responsibility_units SET key_first = live AND NOT EXISTS (SELECT 1 FROM responsibility_units x
    WHERE x.unit_id = responsibility_units.unit_id AND x.item_id = responsibility_units.item_id AND x.role = responsibility_units.role
      AND x.name = responsibility_units.name AND x.live AND x.rowid < responsibility_units.rowid)
  WHERE responsibility_id IN (SELECT id FROM responsibilities WHERE item_id IN (OLD.item_id, NEW.item_id));
END;
-- an item's targets change after its responsibilities were written only when a target is rejected,
-- restored or deleted on its own (the writer inserts an item's targets before its responsibilities:
-- the EXISTS keeps these triggers to an index probe while a document is written)
CREATE TRIGGER ru_targets_ins AFTER INSERT ON targets WHEN EXISTS (SELECT 1 FROM responsibilities WHERE item_id = NEW.item_id) BEGIN
  UPDATE responsibility_units SET item_targets = (SELECT count(*) FROM targets WHERE item_id = NEW.item_id AND status <> 'rejected')
  WHERE responsibility_id IN (SELECT id FROM responsibilities WHERE item_id = NEW.item_id);
END;
CREATE TRIGGER ru_targets_del AFTER DELETE ON targets WHEN EXISTS (SELECT 1 FROM responsibilities WHERE item_id = OLD.item_id) BEGIN
  UPDATE responsibility_units SET item_targets = (SELECT count(*) FROM targets WHERE item_id = OLD.item_id AND status <> 'rejected')
  WHERE responsibility_id IN (SELECT id FROM responsibilities WHERE item_id = OLD.item_id);
END;
CREATE TRIGGER ru_targets_upd AFTER UPDATE OF status, item_id ON targets BEGIN
  UPDATE responsibility_units SET item_targets = (SELECT count(*) FROM targets t WHERE t.item_id = responsibility_units.item_id AND t.status <> 'rejected')
  WHERE responsibility_id IN (SELECT id FROM responsibilities WHERE item_id IN (OLD.item_id, NEW.item_id));
END;

-- each unit's counts (plandb units, sorted by items): lead / support / responsible = its
-- responsibilities not rejected by role, items = their items, targets = those items' targets not
-- rejected. A change to a unit's rows marks it in unit_dirty; the writer recounts the marked units
-- before it commits (settleUnitCounts), and a reader that finds a mark counts live instead.
ALTER TABLE units ADD COLUMN n_lead INTEGER NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN n_support INTEGER NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN n_responsible INTEGER NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN n_items INTEGER NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN n_targets INTEGER NOT NULL DEFAULT 0;
CREATE TABLE unit_dirty (unit_id INTEGER PRIMARY KEY);
INSERT INTO unit_dirty (unit_id) SELECT id FROM units;
CREATE TRIGGER ru_dirty_ins AFTER INSERT ON responsibility_units BEGIN
  INSERT OR IGNORE INTO unit_dirty (unit_id) VALUES (NEW.unit_id);
END;
CREATE TRIGGER ru_dirty_del AFTER DELETE ON responsibility_units BEGIN
  INSERT OR IGNORE INTO unit_dirty (unit_id) VALUES (OLD.unit_id);
END;
CREATE TRIGGER ru_dirty_upd AFTER UPDATE ON responsibility_units BEGIN
  INSERT OR IGNORE INTO unit_dirty (unit_id) VALUES (OLD.unit_id);
  INSERT OR IGNORE INTO unit_dirty (unit_id) VALUES (NEW.unit_id);
END;
CREATE INDEX units_by_items ON units(n_items DESC, canonical);
-- the web page of units: its facets (units per government) and bodies across governments, from indexes
CREATE INDEX units_government ON units(government);
DROP INDEX units_body;
CREATE INDEX units_body ON units(body, canonical, government, n_items, n_targets);

-- what a file's rows were (a hash of everything written for it but the keys and the file's state):
-- a rebuild after a rule change extracts every file again, and leaves the rows of a file that gives
-- the same rows where they are (see writeRows)
ALTER TABLE sources ADD COLUMN rows_key TEXT;

-- gaps per plan (plandb gaps --summary) from the index alone
DROP INDEX items_gaps;
CREATE INDEX items_gaps ON items(plan_id, start, kind, n_targets)
  WHERE review = 0 AND n_responsibilities = 0 AND ((marker IS NOT NULL AND kind IN ('goal','task')) OR n_targets > 0);
`,
  },
  {
    name: '011-listing-order',
    sql: `
-- target listings read a page at a time in plan and document order (plandb targets, indicators
-- --unmapped, /targets): the order from an index, so that the first rows come without sorting them all
CREATE INDEX targets_plan_start ON targets(plan_id, start);
-- the years a target listing can be filtered by (/targets) and --year, from an index
CREATE INDEX targets_year ON targets(effective_year);

-- v_targets with the columns from other tables as scalar subqueries: SQLite reads them only for the
-- columns a query uses, so that \`SELECT region, count(*) FROM v_targets GROUP BY region\` (the SQL page's
-- example) joins plans alone instead of four tables per target (half the time on 126,000 targets).
-- The same rows and columns as 006's: a plan always has its source (plans.source_id is NOT NULL, a foreign key).
DROP VIEW v_targets;
CREATE VIEW v_targets AS
SELECT t.id AS target_id, p.id AS plan_id, p.title AS plan, p.region, p.province, p.division_code, p.subject,
       (SELECT s.path FROM sections s WHERE s.id = t.section_id) AS heading,
       (SELECT s.title FROM sections s WHERE s.id = t.section_id) AS section,
       t.kind, t.indicator, t.indicator_id,
       (SELECT ind.name FROM indicators ind WHERE ind.id = t.indicator_id) AS indicator_name,
       (SELECT ind.domain FROM indicators ind WHERE ind.id = t.indicator_id) AS domain,
       t.op, t.value, t.value2, t.unit, t.year, t.effective_year, t.baseline, t.baseline_year, t.quote, t.page,
       (SELECT src.name FROM sources src INDEXED BY sources_name WHERE src.id = p.source_id) AS source, t.status
FROM targets t JOIN plans p ON p.id = t.plan_id
WHERE t.status <> 'rejected';
`,
  },
];
