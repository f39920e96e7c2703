// The two ways goetia touches its own files: a record replaced whole (a
// reader never sees half of it) and a file that may not be there.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { errnoCode } from "./errors.ts";

/** Writes path.new, then renames it over path: readers see the old or the new text, never a mix. */
export function writeAtomically(path: string, data: string, mode = 0o644): void {
  writeFileSync(`${path}.new`, data, { mode });
  renameSync(`${path}.new`, path);
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
