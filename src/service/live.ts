// The database a running tree works from. The first command after boot
// installs the compiled database as the live one; after that only
// `goetia update` replaces it, restarting what changed.
import { cpSync, existsSync, realpathSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { errorText, log } from "../lib/log.ts";
import { reportProblems } from "./report.ts";
import { treeEnvironment, treePaths, type Tree } from "../lib/tree.ts";
import { compiled, databasePaths, graphOf, readDatabase, type Database } from "./database.ts";
import type { Graph } from "./graph.ts";
import { StateStore } from "./state.ts";

export interface Live {
  tree: Tree;
  db: Database;
  graph: Graph;
  states: StateStore;
  /** The tree's clean environment, for oneshots. */
  env: Record<string, string>;
  /** Where a longrun's pristine service directory is. */
  servicedirSource(name: string): string;
  /** Where s6-supervise runs it. */
  servicedir(name: string): string;
}

export interface OpenOptions {
  /** Report the database's problems (once per command that acts). */
  showProblems?: boolean;
  /** Look at the sources (and compile them if they changed); shutdown does not. */
  checkSources?: boolean;
}

export function openLive(tree: Tree, { showProblems = false, checkSources = true }: OpenOptions = {}): Live {
  const live = readDatabase(treePaths(tree).liveDb);
  if (live && !checkSources) return openWith(tree, live, showProblems);
  const latest = latestDatabase(tree, live);
  if (!live) installLive(tree);
  else if (latest.sourceStamp !== live.sourceStamp) {
    log.info("the sources have changed since they were applied: `goetia update` applies them");
  }
  return openWith(tree, live ?? latest, showProblems);
}

function openWith(tree: Tree, db: Database, showProblems: boolean): Live {
  if (showProblems) reportProblems(db.problems);
  return liveFrom(tree, db);
}

/**
 * The compiled database, recompiled if the sources changed. Where that
 * cannot be done (a read-only /etc, a user who is not root), the last
 * compiled one, or the live one, with a word of warning.
 */
function latestDatabase(tree: Tree, live: Database | undefined): Database {
  try {
    return compiled(tree);
  } catch (error) {
    const last = readDatabase(treePaths(tree).compiledLink) ?? live;
    if (!last) throw error;
    log.warn(`cannot compile the sources (${errorText(error)}); using the last compiled database`);
    return last;
  }
}

export function liveFrom(tree: Tree, db: Database): Live {
  const paths = treePaths(tree);
  return {
    tree,
    db,
    graph: graphOf(db),
    states: new StateStore(paths.states),
    env: treeEnvironment(tree),
    servicedirSource: (name) => databasePaths(paths.liveDb).servicedir(name),
    servicedir: (name) => join(paths.servicedirs, name),
  };
}

/** Makes the current compiled database the live one, replacing it whole. */
export function installLive(tree: Tree): void {
  const paths = treePaths(tree);
  const fresh = `${paths.liveDb}.new`;
  rmSync(fresh, { recursive: true, force: true });
  cpSync(realpathSync(paths.compiledLink), fresh, { recursive: true });
  if (existsSync(paths.liveDb)) rmSync(paths.liveDb, { recursive: true });
  renameSync(fresh, paths.liveDb);
}
