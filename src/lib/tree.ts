// A supervision tree's places on disk. The system tree and, later, each user
// tree have the same shape; only the roots differ. Tests point a tree at
// temporary directories with GOETIA_CONFDIR, GOETIA_RUNDIR, GOETIA_LOGDIR and
// GOETIA_SVDIR (the supervision-scripts folders' root: svcdef/, sv/, service/).
import { dirname, join } from "node:path";
import type { Account } from "./accounts.ts";

export interface Tree {
  /** "system", the machine's own tree, or a user tree's USERTREE. */
  name: string;
  /** A user tree's owner; the system tree has none (root's). */
  owner?: Account;
  /** Configuration: env/, run-image/, src/, compiled. */
  confDir: string;
  /** Live state, on a tmpfs: service/ (the scandir), log/, goetia/. */
  runDir: string;
  /** Logs kept on disk: one folder per logged service; the catch-all log is saved here at shutdown. */
  logDir: string;
  /** supervision-scripts' folders: definitions, their installed (live) copies, and the links that enable them. */
  definitionsDir: string;
  installedDir: string;
  enabledDir: string;
  /** systemd's unit folders, first wins (systemd/): the system tree's are the machine's; a user tree reads none. */
  unitDirs: string[];
}

/** Where systemd's system manager finds units, in its order (GOETIA_UNITDIRS, colon-separated, elsewhere: for tests). */
const SYSTEM_UNIT_DIRS = ["/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"];

export function systemTree(env: Record<string, string | undefined> = process.env): Tree {
  return {
    name: "system",
    confDir: env.GOETIA_CONFDIR ?? "/etc/goetia/system",
    runDir: env.GOETIA_RUNDIR ?? "/run/system",
    logDir: env.GOETIA_LOGDIR ?? "/var/log/system",
    ...definitionFolders(env.GOETIA_SVDIR),
    unitDirs: env.GOETIA_UNITDIRS === undefined ? SYSTEM_UNIT_DIRS : env.GOETIA_UNITDIRS.split(":").filter(Boolean),
  };
}

/**
 * USER's tree USERTREE: its configuration in ~/.config/goetia/USERTREE (the
 * system's layout: env/, run-image/, src/, with svcdef/, sv/ and service/
 * for definitions), its live state in /run/user/UID/goetia/USERTREE (the
 * root of /run/user: GOETIA_USER_RUNDIR, for tests), its logs in
 * ~/.local/state/goetia/USERTREE. By uid, not name: a user named 1002 has
 * no way into uid 1002's folder.
 */
export function userTree(owner: Account, usertree: string, env: Record<string, string | undefined> = process.env): Tree {
  const confDir = join(owner.home, ".config", "goetia", usertree);
  return {
    name: usertree,
    owner,
    confDir,
    runDir: join(env.GOETIA_USER_RUNDIR ?? "/run/user", String(owner.uid), "goetia", usertree),
    logDir: join(owner.home, ".local", "state", "goetia", usertree),
    definitionsDir: join(confDir, "svcdef"),
    installedDir: join(confDir, "sv"),
    enabledDir: join(confDir, "service"),
    unitDirs: [],
  };
}

/** A user tree's XDG_RUNTIME_DIR: /run/user/UID, which holds the owner's trees (goetia/). */
export function xdgRuntimeDir(tree: Tree): string | undefined {
  return tree.owner && dirname(dirname(tree.runDir));
}

/** The supervision-scripts layout: /etc/svcdef, /etc/sv and /service; under root, svcdef/, sv/ and service/. */
function definitionFolders(root: string | undefined) {
  return root === undefined
    ? { definitionsDir: "/etc/svcdef", installedDir: "/etc/sv", enabledDir: "/service" }
    : { definitionsDir: join(root, "svcdef"), installedDir: join(root, "sv"), enabledDir: join(root, "service") };
}

export const treePaths = (tree: Tree) => ({
  envDir: join(tree.confDir, "env"),
  runImage: join(tree.confDir, "run-image"),
  sourceDir: join(tree.confDir, "src"),
  /** Symlink to the newest compiled database. */
  compiledLink: join(tree.confDir, "compiled"),
  /** flock'd while a database is compiled (exclusive) or copied live (shared). */
  databaseLock: join(tree.confDir, ".lock"),
  /** The same two in the run directory, where a compile goes when confDir cannot be written (a read-only root). */
  runCompiledLink: join(tree.runDir, "goetia", "compiled"),
  runDatabaseLock: join(tree.runDir, "goetia", "compile.lock"),
  scandir: join(tree.runDir, "service"),
  catchAllFifo: join(tree.runDir, "service", "s6-svscan-log", "fifo"),
  /** The system's on its tmpfs (saved at shutdown); a user tree's in the user's own log folder. */
  catchAllLog: tree.owner ? join(tree.logDir, "uncaught-logs") : join(tree.runDir, "log", "uncaught-logs"),
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
  /** The boot record: the stages' marks and the services' transitions, on CLOCK_MONOTONIC (lib/timeline.ts). */
  bootRecord: join(tree.runDir, "goetia", "boot-record"),
  /** Where boot records are kept, a few boots back (the system tree's). */
  savedBootRecords: join(tree.logDir, "boot"),
  /** Held by whoever is changing the tree. */
  lock: join(tree.runDir, "goetia", "lock"),
});

/** Where a oneshot's runner writes its exit code (in the states folder), so that it is known even if goetia dies first. */
export const oneshotExitFile = (states: string, name: string): string => join(states, `${name}.exit`);

/** Every folder whose entries make the tree's services: the sources, the installed definitions, the links that enable them. */
export function sourceRoots(tree: Tree): string[] {
  return [join(tree.confDir, "src"), tree.installedDir, tree.enabledDir, ...tree.unitDirs];
}

/** The kernel gives init no PATH; this is the one the whole tree starts from. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
