// The boot's bring-up started as stage 1 (and user-init) start it: the
// compiled script (manager/bringup.ts) run in the foreground holding the
// tree's change lock, which its background part keeps. libc and Bun only:
// stage 1 loads nothing of node:fs.
import { openLockFile } from "../lib/lock-file.ts";
import { log } from "../lib/log.ts";
import { treePaths, type Tree } from "../lib/tree.ts";
import { BRINGUP_EXIT } from "../manager/bringup-exit.ts";
import * as libc from "../sys/libc.ts";

/**
 * The shells the bring-up may run under, the first the root has: bash, for
 * a clock and sub-second waits without a process (dash, Debian's /bin/sh,
 * forks date and sleep for each); else /bin/sh (busybox's has both).
 */
export const BRINGUP_SHELLS = ["/bin/bash", "/bin/sh"];

const bringupShell = () => BRINGUP_SHELLS.find((shell) => libc.readable(shell)) ?? BRINGUP_SHELLS.at(-1)!;

/** The tree's compiled bring-up: the newest database's. */
export const compiledBringup = (tree: Tree) => `${treePaths(tree).compiledLink}/bringup`;

/**
 * Starts the compiled bring-up of bundle: it prepares, in the foreground,
 * what s6-svscan's first scan must find, then goes on in the background
 * holding the tree's change lock (descriptor 3, taken here). With boot (the
 * system's boot record's name) it saves the record when it is done; quiet,
 * it tells the console only errors and its summary. False when it
 * cannot be used: no compiled database, or sources newer than it.
 */
export function startBringup(tree: Tree, bundle: string, env: Record<string, string>, { boot = "", quiet = false } = {}): boolean {
  const paths = treePaths(tree);
  const script = compiledBringup(tree);
  try {
    libc.close(libc.open(script, libc.O.RDONLY | libc.O.CLOEXEC));
  } catch (error) {
    if (libc.failedWith(error, libc.errno.ENOENT)) return false;
    throw error;
  }
  const lock = openLockFile(paths.lock);
  try {
    if (!libc.lockFile(lock)) throw new Error(`${paths.lock} is locked: who changes the tree before it boots?`);
    const offsetUs = (libc.realtimeNs() - libc.monotonicNs()) / 1000n;
    const { exitCode } = Bun.spawnSync([bringupShell(), script, bundle, String(offsetUs), boot, quiet ? "quiet" : ""], {
      env,
      cwd: "/",
      stdio: ["ignore", "inherit", "inherit", lock],
    });
    if (exitCode === BRINGUP_EXIT.prepared) return true;
    if (exitCode !== BRINGUP_EXIT.sourcesChanged) throw new Error(`the bring-up ${script} exited ${exitCode}`);
    log.info("the sources have changed since they were compiled: goetia compiles them");
    return false;
  } finally {
    libc.close(lock);
  }
}
