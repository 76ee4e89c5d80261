// plandb serve: runs the SQL page's queries in a child process on a read-only connection.
// better-sqlite3 runs a query to its end inside native code, where neither a timer nor
// Worker.terminate() can reach it; the parent enforces the time limit by killing this process.
// Plain JavaScript (not compiled): the parent forks this file both from src/ (tests) and dist/.
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';

let db = null;
let stamp = '';

function open(file) {
  const st = statSync(file);
  const s = `${st.ino}:${st.size}:${st.mtimeMs}`;
  if (db && s === stamp) return db;
  if (db) db.close();
  db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('query_only = ON');
  // SQLite's own memory is capped too (a query like zeroblob(1e9) fails instead of taking the machine)
  db.pragma('hard_heap_limit = 268435456');
  stamp = s;
  return db;
}

/** The first keyword after comments: only queries that read. */
function firstKeyword(sql) {
  const s = sql.replace(/^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)+/, '');
  return (/^[A-Za-z]+/.exec(s)?.[0] ?? '').toUpperCase();
}

const cell = (v) => (Buffer.isBuffer(v) ? `<blob ${v.length} bytes>` : typeof v === 'bigint' ? Number(v) : v);

function run({ file, sql, rowCap }) {
  const kw = firstKeyword(sql);
  if (!['SELECT', 'WITH', 'VALUES', 'EXPLAIN'].includes(kw)) return { ok: false, code: 'SQL_NOT_READ', message: 'only queries that read are allowed: SELECT, WITH, VALUES or EXPLAIN' };
  const conn = open(file);
  let stmt;
  try {
    stmt = conn.prepare(sql);
  } catch (e) {
    return { ok: false, code: 'SQL_ERROR', message: String(e.message).split('\n')[0] };
  }
  if (!stmt.reader || !stmt.readonly) return { ok: false, code: 'SQL_NOT_READ', message: 'only queries that read are allowed (this statement returns no rows or writes)' };
  const columns = stmt.columns().map((c) => c.name);
  const rows = [];
  let truncated = false;
  const t0 = performance.now();
  try {
    for (const r of stmt.raw(true).iterate()) {
      if (rows.length === rowCap) {
        truncated = true;
        break;
      }
      rows.push(r.map(cell));
    }
  } catch (e) {
    return { ok: false, code: 'SQL_ERROR', message: String(e.message).split('\n')[0] };
  }
  return { ok: true, columns, rows, truncated, ms: performance.now() - t0 };
}

process.on('message', (msg) => {
  let out;
  try {
    out = run(msg);
  } catch (e) {
    out = { ok: false, code: 'SQL_ERROR', message: String(e?.message ?? e).split('\n')[0] };
  }
  process.send({ id: msg.id, ...out });
});
process.on('disconnect', () => process.exit(0));
// loaded: the parent starts each query's clock only from here, so start-up never counts against the limit
process.send({ ready: true });
