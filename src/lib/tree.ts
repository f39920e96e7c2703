// A supervision tree's places on disk. The system tree and, later, each user
// tree have the same shape; only the roots differ. Tests point a tree at
// temporary directories with GOETIA_CONFDIR, GOETIA_RUNDIR and GOETIA_LOGDIR.
import { accessSync, constants, statSync } from "node:fs";
import { join } from "node:path";
import { applyEnvdir } from "./envdir.ts";
import { FailedError } from "./errors.ts";

export interface Tree {
  /** "system", the machine's own tree. */
  name: string;
  /** Configuration: env/, run-image/, src/, compiled. */
  confDir: string;
  /** Live state, on a tmpfs: service/ (the scandir), log/, goetia/. */
  runDir: string;
  /** Logs kept on disk: the catch-all log is saved here at shutdown. */
  logDir: string;
}

export function systemTree(env: Record<string, string | undefined> = process.env): Tree {
  return {
    name: "system",
    confDir: env.GOETIA_CONFDIR ?? "/etc/goetia/system",
    runDir: env.GOETIA_RUNDIR ?? "/run/system",
    logDir: env.GOETIA_LOGDIR ?? "/var/log/system",
  };
}

export const treePaths = (tree: Tree) => ({
  envDir: join(tree.confDir, "env"),
  runImage: join(tree.confDir, "run-image"),
  sourceDir: join(tree.confDir, "src"),
  /** Symlink to the newest compiled database. */
  compiledLink: join(tree.confDir, "compiled"),
  /** flock'd while a database is compiled (exclusive) or copied live (shared). */
  databaseLock: join(tree.confDir, ".lock"),
  scandir: join(tree.runDir, "service"),
  catchAllFifo: join(tree.runDir, "service", "s6-svscan-log", "fifo"),
  catchAllLog: join(tree.runDir, "log", "uncaught-logs"),
  /** goetia's own live data, below. */
  stateDir: join(tree.runDir, "goetia"),
  /** The database the running tree works from: a symlink to live-<stamp>/, switched atomically. */
  liveDb: join(tree.runDir, "goetia", "live"),
  /** Service directories as s6-supervise uses them. */
  servicedirs: join(tree.runDir, "goetia", "servicedirs"),
  /** One JSON record per service: up, down, starting, stopping, failed. */
  states: join(tree.runDir, "goetia", "state"),
  /** One fifo per pipeline consumer. */
  pipes: join(tree.runDir, "goetia", "pipes"),
  /** Held by whoever is changing the tree. */
  lock: join(tree.runDir, "goetia", "lock"),
});

/** The kernel gives init no PATH; this is the one the whole tree starts from. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The tree's clean environment: a default PATH overlaid by the tree's envdir.
 * Services and oneshots get this, never the environment of whoever asked.
 */
export function treeEnvironment(tree: Tree): Record<string, string> {
  return applyEnvdir({ PATH: DEFAULT_PATH }, treePaths(tree).envDir);
}

/** Refuses, before anything is touched, a change of the tree by someone who may not write its run directory. */
export function assertMayChange(tree: Tree): void {
  try {
    accessSync(tree.runDir, constants.W_OK);
  } catch {
    const owner = statSync(tree.runDir, { throwIfNoEntry: false })?.uid;
    const who = owner === 0 ? "root" : owner === undefined ? "its owner" : `uid ${owner}`;
    throw new FailedError(`only ${who} may change the ${tree.name} tree (${tree.runDir} is not writable here)`);
  }
}
