// A service directory as s6-supervise reads it (s6's servicedir.html), made
// from a source directory: only what s6 knows is copied, links followed, and
// a `down` file makes s6-svscan supervise it without starting it.
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Everything s6-supervise reads in a service directory, besides its own supervise/. */
export const SERVICEDIR_FILES = new Set([
  "run",
  "finish",
  "notification-fd",
  "lock-fd",
  "timeout-kill",
  "timeout-finish",
  "max-death-tally",
  "down-signal",
  "nosetsid",
  "data",
  "env",
]);

/** The scripts s6-supervise executes: copied with mode 0755 whatever the source's, as s6-rc-compile copies them. */
export const SUPERVISE_SCRIPTS = ["run", "finish"];

/**
 * Copies what s6-supervise reads from source to target (a fresh directory),
 * links dereferenced, but for the files in except. What is not there, or
 * links to nothing, is not copied: s6-supervise would not see it either.
 */
export function copyServicedir(source: string, target: string, except: string[] = []): void {
  mkdirSync(target, { recursive: true });
  for (const file of readdirSync(source)) {
    const from = join(source, file);
    if (!SERVICEDIR_FILES.has(file) || except.includes(file) || !existsSync(from)) continue;
    cpSync(from, join(target, file), { recursive: true, dereference: true });
    if (SUPERVISE_SCRIPTS.includes(file)) chmodSync(join(target, file), 0o755);
  }
}

/** Puts a copy where s6-supervise will run it, stopped: s6-supervise writes into it, and /etc may be read-only. */
export function installStopped(source: string, target: string): void {
  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, { recursive: true });
  writeFileSync(join(target, "down"), "");
}
