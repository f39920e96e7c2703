// How goetia touches its own files: a record or a link replaced whole (a
// reader sees the old or the new, never a mix), a file that may not be
// there.
import { closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { errnoCode, namingFile } from "./errors.ts";

/**
 * Writes path.new, then renames it over path: readers see the old or the
 * new text, never a mix. A failed write (ENOSPC) leaves no .new behind.
 * Durable, it is on disk when this returns (the text, then its name): a
 * crash after it loses nothing.
 */
export function writeAtomically(path: string, data: string, { durable = false } = {}): void {
  const temporary = `${path}.new`;
  try {
    const fd = openSync(temporary, "w", 0o644);
    try {
      writeFileSync(fd, data);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw namingFile(error, temporary);
  }
  if (!durable) return;
  const dir = openSync(dirname(path), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/** Whether path leads, through its links, to a folder this process can see; false when nothing is there. */
export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // nothing there, a link to nothing, or out of sight
  }
}

/** The file's text, or undefined when it does not exist; any other failure is thrown. */
export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** True for the errors that mean "there is nothing there": no such file, or a file where a folder was expected. */
export function isMissing(error: unknown): boolean {
  const code = errnoCode(error);
  return code === "ENOENT" || code === "ENOTDIR";
}

/** Points link at target, replacing what it pointed at in one rename (a stale link.new from a killed writer is replaced). */
export function switchLink(link: string, target: string): void {
  rmSync(`${link}.new`, { force: true });
  symlinkSync(target, `${link}.new`);
  renameSync(`${link}.new`, link);
}

/**
 * Each folder once, by the first of its names (on a merged /usr,
 * /lib/systemd/system is /usr/lib/systemd/system); a path that leads
 * nowhere stands for itself.
 */
export function distinctFolders(paths: string[]): string[] {
  const seen = new Set<string>();
  return paths.filter((path) => {
    let real = path;
    try {
      real = realpathSync(path);
    } catch {
      // Nothing there: it is only itself.
    }
    return !seen.has(real) && Boolean(seen.add(real));
  });
}
