/**
 * Files that killed processes left half-written: a temporary database (`FILE.tmp-PID`) or a cache
 * entry (`ENTRY.PID.X.tmp`) whose process no longer runs. Light (no SQLite, no rules): the workers'
 * caches use it too.
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/** True when process `pid` runs (EPERM: it runs, as another user). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the files under `dir` (with its sub-folders when `recursive`) whose name `pidOf` reads a
 * process id from, when that process no longer runs (and is not this one). Returns the removed paths.
 */
export function removeDeadFiles(dir: string, pidOf: (name: string) => number | null, recursive = false): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive }) as string[];
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    const pid = pidOf(n);
    if (pid === null || pid === process.pid || alive(pid)) continue;
    const full = path.join(dir, n);
    try {
      rmSync(full, { force: true });
      removed.push(full);
    } catch {
      /* someone else's file we cannot remove: leave it */
    }
  }
  return removed;
}
