import type { Command } from 'commander';
import { PlandbError } from '../../errors.js';
import { DEFAULT_DB } from '../../query/format.js';
import type { CliState } from '../index.js';

const int = (name: string, min: number, max: number) => (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new PlandbError('USAGE', `${name} must be a whole number from ${min} to ${max} (got '${v}')`);
  return Number(v);
};

/** plandb serve: the web interface; its modules (fastify, templates) load only when this command runs. */
export function registerServe(program: Command, state: CliState): void {
  program
    .command('serve')
    .description('browse the plan database in a web browser: plans, sources with highlighted facts, review, units, indicator charts, search, SQL')
    .option('--db <file>', 'plan database (opened read-only)', DEFAULT_DB)
    .option('--port <n>', 'port to listen on (0: any free port)', int('--port', 0, 65535), 8642)
    .option('--host <host>', 'address to listen on; anything but loopback exposes the database to the network', '127.0.0.1')
    .option('--corrections <dir>', 'folder of correction files the review actions write to', 'corrections')
    .option('--sql-time-limit <ms>', 'stop a query of the SQL page after this many milliseconds', int('--sql-time-limit', 10, 60_000), 1000)
    .option('--sql-rows <n>', 'at most this many rows from the SQL page', int('--sql-rows', 1, 100_000), 1000)
    .addHelpText(
      'after',
      `
Pages (each also as .json; tables as .csv and .xlsx):
  /plans  /plans/ID  /plans/ID/source  /units  /units/ID  /bodies/BODY  /indicators  /indicators/ID
  /targets?indicator=&plan=&unit=&year=&kind=  /search?q=  /gaps  /sql?sql=

Examples:
  plandb serve                                 http://127.0.0.1:8642/
  plandb serve --db out/plans.db --port 9000`,
    )
    .action(async (o: { db: string; port: number; host: string; corrections: string; sqlTimeLimit: number; sqlRows: number }) => {
      const { startServer } = await import('../../serve/index.js');
      let server;
      try {
        server = await startServer({ db: o.db, port: o.port, host: o.host, corrections: o.corrections, sqlTimeLimitMs: o.sqlTimeLimit, sqlRowCap: o.sqlRows });
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EADDRINUSE') throw new PlandbError('USAGE', `port ${o.port} is in use (try --port 0 for any free port)`);
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new PlandbError('USAGE', `cannot listen on host '${o.host}'`);
        throw e;
      }
      state.io.err(`plandb serve: ${server.url}/  (database ${o.db}, read-only; review writes to ${o.corrections}/)`);
      if (!['127.0.0.1', 'localhost', '::1'].includes(o.host))
        state.io.err(`plandb serve: warning: listening on ${o.host}, not loopback: anyone who can reach it can read the database`);
      state.io.err('Press Ctrl+C to stop.');
      await new Promise<void>((resolve) => {
        const stop = () => {
          void server.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
