// The database a running tree works from. The first command after boot
// installs the compiled database as the live one; after that only
// `goetia update` replaces it, restarting what changed. Opening it says
// nothing: what it noticed is in `notes`, for the caller to tell.
import { existsSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { errnoCode, errorText } from "../../lib/errors.ts";
import { switchLink } from "../../lib/files.ts";
import { treeEnvironment } from "../../lib/envdir.ts";
import { treePaths, type Tree } from "../../lib/tree.ts";
import { readStatus, type SuperviseStatus } from "../../s6/status.ts";
import { compiledLinkOf, fingerprint, upToDate } from "../compile/stamp.ts";
import { databasePaths, graphOf, readDatabase, type Database } from "../database.ts";
import type { Graph } from "../graph.ts";
import { bootRecord, type Timeline } from "../../lib/timeline.ts";
import { StateStore } from "./state.ts";

/** The compiler, loaded at the call: a command that only looks pays for it only when the sources changed. */
const compiler = () => require("../compile/compile.ts") as typeof import("../compile/compile.ts");

/** A word for the person, on standard error: standard output stays the command's answer (status --json...). */
export interface Note {
  level: "warn";
  text: string;
}

export interface Live {
  tree: Tree;
  db: Database;
  graph: Graph;
  states: StateStore;
  /** The boot record, where every transition is noted as it happens (lib/timeline.ts). */
  record: Timeline;
  /** The tree's clean environment, for oneshots (read when first asked: most commands never run one). */
  readonly env: Record<string, string>;
  /** Where a longrun's pristine service directory is. */
  servicedirSource(name: string): string;
  /** Where s6-supervise runs it. */
  servicedir(name: string): string;
  /** What opening it found worth telling: sources changed since, sources that cannot be compiled. */
  notes: Note[];
  /** A descriptor where oneshots' lines go too, after their name: the catch-all log, at boot (stage 2 sets it). */
  outputCopy?: number;
}

/** True when the service's source has changed (or gone) since its live definition was compiled: a look at its own files only. */
export function sourceEdited(live: Live, name: string): boolean {
  const service = live.db.services[name];
  try {
    return service === undefined || fingerprint(service) !== service.fingerprint;
  } catch {
    return true; // gone, or unreadable: compiling it again would say so
  }
}

/**
 * What s6-supervise says of a longrun that goetia's record has up, when it no
 * longer keeps it up: its daemon ended and will not be restarted (its finish
 * exited 125, or s6-svc -d was sent behind goetia's back).
 */
export function endedLongrun(live: Live, name: string): SuperviseStatus | undefined {
  if (live.graph.atoms.get(name)?.type !== "longrun" || live.states.phase(name) !== "up") return undefined;
  const s6 = readStatus(live.servicedir(name));
  return s6 && s6.pid === 0 && !s6.wantUp ? s6 : undefined;
}

/**
 * The live database, installed from the compiled one (compiled first if the
 * sources changed) when there is none yet. With checkSources (status, list:
 * what looks at the whole tree), sources changed since it was installed are
 * compiled and noted: they wait for `goetia update`. A change looks at its
 * own services' sources only (sourceEdited): it must not cost a walk of
 * every source.
 */
export function openLive(tree: Tree, { checkSources = true } = {}): Live {
  const live = readDatabase(treePaths(tree).liveDb);
  if (!live) return liveFrom(tree, installLive(tree));
  if (!checkSources) return liveFrom(tree, live);
  const notes: Note[] = [];
  if (latestDatabase(tree, live, notes).sourceStamp !== live.sourceStamp) {
    notes.push({ level: "warn", text: "the sources have changed since they were applied: `goetia update` applies them" });
  }
  return liveFrom(tree, live, notes);
}

/**
 * The compiled database, recompiled if the sources changed. Where that
 * cannot be done (a read-only /etc, a user who is not root), the last
 * compiled one, or the live one, with a note.
 */
function latestDatabase(tree: Tree, live: Database | undefined, notes: Note[]): Database {
  try {
    return upToDate(tree) ?? compiler().compileStale(tree);
  } catch (error) {
    const last = readDatabase(compiledLinkOf(tree)) ?? live;
    if (!last) throw error;
    notes.push({ level: "warn", text: `cannot compile the sources (${errorText(error)}); using the last compiled database` });
    return last;
  }
}

export function liveFrom(tree: Tree, db: Database, notes: Note[] = []): Live {
  const paths = treePaths(tree);
  let env: Record<string, string> | undefined;
  return {
    tree,
    db,
    graph: graphOf(db),
    states: new StateStore(paths.states),
    record: bootRecord(tree),
    get env() {
      return (env ??= treeEnvironment(tree));
    },
    servicedirSource: (name) => databasePaths(paths.liveDb).servicedir(name),
    servicedir: (name) => join(paths.servicedirs, name),
    notes,
  };
}

/** Copies the current compiled database to a new live-<stamp>/ folder, not yet in use: `goetia update` plans with it, then switches. */
export function stageLive(tree: Tree): { db: Database; dir: string } {
  const dir = `${treePaths(tree).liveDb}-${Date.now()}-${process.pid}`;
  return { db: compiler().copyCompiled(tree, dir), dir };
}

/** Makes a staged database the live one, in one rename of the live link; the one it replaces goes. */
export function switchLive(tree: Tree, dir: string): void {
  const { liveDb } = treePaths(tree);
  const previous = existsSync(liveDb) ? realpathSync(liveDb) : undefined;
  switchLink(liveDb, basename(dir));
  if (previous) rmSync(previous, { recursive: true, force: true });
}

/**
 * Makes the current compiled database the live one, where there is none
 * yet, and returns it: of several commands racing to, the first wins, and
 * the others return what it installed.
 */
function installLive(tree: Tree): Database {
  const { liveDb } = treePaths(tree);
  const { db, dir } = stageLive(tree);
  try {
    symlinkSync(basename(dir), liveDb);
    return db;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    if (errnoCode(error) !== "EEXIST") throw error;
    return readDatabase(liveDb) ?? db;
  }
}
