import { Command, CommanderError } from 'commander';
import { PlandbError, errorLine, escapeControls } from '../errors.js';
import { registerBuild } from './commands/build.js';
import { registerEval } from './commands/eval.js';
import { registerExtract } from './commands/extract.js';
import { registerQuery } from './commands/query.js';
import { registerReview } from './commands/review.js';
import { registerServe } from './commands/serve.js';
import { processIo, type Io } from './output.js';

export interface CliState {
  io: Io;
  exitCode: number;
}

export function buildProgram(state: CliState): Command {
  const program = new Command('plandb')
    .description('Turn Chinese development plans (儿童/妇女发展规划, 儿童友好城市行动计划) into a SQLite database of targets and responsible units.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => state.io.out(s.trimEnd()), writeErr: (s) => state.io.err(escapeLines(s.trimEnd())) });
  registerBuild(program, state);
  registerExtract(program, state);
  registerEval(program, state);
  registerQuery(program, state);
  registerReview(program, state);
  registerServe(program, state);
  program.addHelpText(
    'after',
    `
Examples:
  plandb rebuild                               build out/plans.db from corpus/
  plandb ingest new-county-plan.pdf            add or replace one plan
  plandb extract corpus/000_b494f9743fcea215.txt --format json
  plandb eval --gold tests/gold --sources corpus --verbose
  plandb review 1                              check plan 1's facts in their source
  plandb correct 1 reject T7                   a fix kept in corrections/ across rebuilds
  plandb serve                                 browse the database at http://127.0.0.1:8642/`,
  );
  return program;
}

/** Commander's messages quote arguments: control characters in them are escaped, line by line. */
const escapeLines = (s: string) => s.split('\n').map(escapeControls).join('\n');

let pipeGuard = false;
/**
 * `plandb targets --csv | head -1`: when the reader of stdout goes away, writing fails with EPIPE.
 * That is not an error of plandb's: stop quietly, as other command-line tools do.
 */
export function quietOnClosedPipe(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
}

/** Runs the CLI; returns the exit code. Errors become one line on stderr, never a stack trace. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const state: CliState = { io, exitCode: 0 };
  const program = buildProgram(state);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(escapeLines(s.trimEnd())) });
  if (io === processIo) quietOnClosedPipe();
  try {
    await program.parseAsync(argv);
    return state.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    if (e instanceof PlandbError) {
      io.err(`plandb: ${e.toLine()}`);
      return e.code === 'USAGE' ? 2 : 1;
    }
    if (process.env.PLANDB_DEBUG) console.error(e);
    io.err(`plandb: ${errorLine(e)}`);
    return 1;
  }
}
