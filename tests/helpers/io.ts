import type { Io } from '../../src/cli/output.js';

export function captureIo(): Io & { stdout: string[]; stderr: string[]; text: () => string; errText: () => string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (s) => stdout.push(s),
    err: (s) => stderr.push(s),
    isTTY: false,
    text: () => stdout.join('\n'),
    errText: () => stderr.join('\n'),
  };
}
