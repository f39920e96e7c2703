// Boot records kept on disk: at the end of the bring-up and at the end of
// the way down, the system tree's record (/run, gone at the next boot) is
// copied to <logDir>/boot/NAME, where stage 1 named it after the kernel's
// start (UTC) and its boot id, so that names sort as boots came and a boot
// saved twice keeps one file. The newest few are kept.
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { errorText } from "../lib/errors.ts";
import { readIfExists, writeAtomically } from "../lib/files.ts";
import { log } from "../lib/log.ts";
import { BOOT_MARK, bootRecord, formatMarks, KEPT_BOOTS, parseTimeline, type Mark } from "../lib/timeline.ts";
import { treePaths, type Tree } from "../lib/tree.ts";

const nameIn = (marks: Mark[]) => marks.find((mark) => mark.what === BOOT_MARK && mark.subject !== undefined)?.subject;

/** Saves the tree's boot record (with extra marks: the way down's) where the next boots find it; false where it cannot be. */
export function saveBootRecord(tree: Tree, extra: Mark[] = []): boolean {
  const { bootRecord: file, savedBootRecords: dir } = treePaths(tree);
  try {
    const text = (readIfExists(file) ?? "") + formatMarks(extra);
    const name = nameIn(parseTimeline(text));
    if (name === undefined) return false;
    mkdirSync(dir, { recursive: true });
    writeAtomically(join(dir, name), text, { durable: true });
    for (const old of savedBoots(tree).slice(0, -KEPT_BOOTS)) rmSync(join(dir, old), { force: true });
    return true;
  } catch (error) {
    log.warn(`boot record not saved to ${dir}: ${errorText(error)}`);
    return false;
  }
}

/** The names of the saved boot records, oldest first. */
export function savedBoots(tree: Tree): string[] {
  try {
    return readdirSync(treePaths(tree).savedBootRecords).filter((name) => !name.endsWith(".new")).sort();
  } catch {
    return [];
  }
}

/** A boot on record: its number for --boot (0 this one, -1 the one before...), its name and where its record is. */
export interface BootOnRecord {
  boot: number;
  name?: string;
  file: string;
}

/** This boot: its record in the run directory, read once. */
function thisBoot(tree: Tree): BootOnRecord & { marks: Mark[] } {
  const current = bootRecord(tree);
  const marks = current.read();
  return { boot: 0, name: nameIn(marks), file: current.file, marks };
}

/** Every boot on record, oldest first: the saved ones, then this one. */
export function bootsOnRecord(tree: Tree): BootOnRecord[] {
  const { marks, ...current } = thisBoot(tree);
  const dir = treePaths(tree).savedBootRecords;
  const earlier = savedBoots(tree).filter((name) => name !== current.name);
  return [...earlier.map((name, i) => ({ boot: i - earlier.length, name, file: join(dir, name) })), current];
}

/** A boot's record, by its number for --boot (this one's without a look at the saved ones); undefined when there is no such boot on record. */
export function bootRecordOf(tree: Tree, boot: number): (BootOnRecord & { marks: Mark[] }) | undefined {
  if (boot === 0) return thisBoot(tree);
  const found = bootsOnRecord(tree).find((on) => on.boot === boot);
  return found && { ...found, marks: parseTimeline(readIfExists(found.file) ?? "") };
}
