// A service directory as s6-supervise reads it (s6's servicedir.html), made
// from a source directory: only what s6 knows is copied, links followed, and
// a `down` file makes s6-svscan supervise it without starting it.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
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

/** Copies what s6-supervise reads from source to target (a fresh directory), links dereferenced, but for the files in except. */
export function copyServicedir(source: string, target: string, except: string[] = []): void {
  const copied = (file: string) => SERVICEDIR_FILES.has(file) && !except.includes(file);
  mkdirSync(target, { recursive: true });
  cpSync(source, target, {
    recursive: true,
    dereference: true,
    filter: (path) => path === source || copied(path.slice(source.length + 1).split("/")[0]),
  });
}

/** Puts a copy where s6-supervise will run it, stopped: s6-supervise writes into it, and /etc may be read-only. */
export function installStopped(source: string, target: string): void {
  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, { recursive: true });
  writeFileSync(join(target, "down"), "");
}
