/** /sql — read-only SQL as Datasette does it: a query box, a time limit, a row cap, results as a table. */
import type { Column } from '../../query/format.js';
import type { Router } from '../app.js';
import { toHttpError } from '../errors.js';
import { text } from '../params.js';
import type { Page } from '../render.js';
import type { SqlRunner } from '../sql.js';

const EXAMPLES = [
  "SELECT plan, indicator, op, value, value_unit FROM v_unit_targets WHERE unit = '市卫健委'",
  'SELECT region, count(*) AS targets FROM v_targets GROUP BY region ORDER BY targets DESC',
  'SELECT unit, lead, support, responsible FROM v_units ORDER BY lead DESC LIMIT 20',
];

export function registerSql(r: Router, runner: () => SqlRunner): void {
  r.page('/sql', async (ctx, req): Promise<Page> => {
    const sql = text(req.query.sql);
    const tables = ctx.dbs
      .get()
      .prepare(`SELECT name, type FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'items_fts_%' ORDER BY type DESC, name`)
      .all() as Array<{ name: string; type: string }>;
    const base = { sql: sql ?? '', limits: { time_ms: ctx.opts.sqlTimeLimitMs, rows: ctx.opts.sqlRowCap }, examples: EXAMPLES, schema: tables };
    if (!sql) return { view: 'sql', title: 'SQL', data: { ...base, error: null, result: null }, tables: {} } satisfies Page;
    let res;
    try {
      res = await runner().run(sql);
    } catch (e) {
      const err = toHttpError(e);
      // the JSON twin and downloads answer with the error shape; the page shows the error under the box
      if (req.format !== 'html' || err.status >= 500) throw err;
      return {
        view: 'sql',
        title: 'SQL',
        status: err.status,
        data: { ...base, error: { status: err.status, code: err.code, message: err.message }, result: null },
        tables: {},
      } satisfies Page;
    }
    // column names may repeat (SELECT 1, 1): keys are made unique, headers keep the name
    const used = new Set<string>();
    const columns: Column[] = res.columns.map((name) => {
      let key = name;
      for (let k = 2; used.has(key); k++) key = `${name}_${k}`;
      used.add(key);
      return { key, header: name };
    });
    const rows = res.rows.map((row) => Object.fromEntries(columns.map((c, j) => [c.key, row[j]])));
    return {
      view: 'sql',
      title: 'SQL',
      data: { ...base, error: null, result: { columns: res.columns, rows: rows.length, truncated: res.truncated, ms: Math.round(res.ms * 10) / 10 } },
      tables: { rows: { rs: { columns, rows, sheet: 'query' } } },
    } satisfies Page;
  });
}
