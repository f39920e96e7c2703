// user-shutdown: USER's tree USERTREE down, as stage 3 brings the system's
// down: every service in reverse dependency order, then its s6-svscan told
// to end its supervisors (its loggers on end of file, no line lost) and
// leave. Its run directory goes with it; its logs stay in the home. The
// same, without the s6-svscan, cleans up after a tree whose s6-svscan died.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { EXIT, FailedError } from "../lib/errors.ts";
import { log } from "../lib/log.ts";
import { pollUntil } from "../lib/poll.ts";
import { treePaths, type Tree } from "../lib/tree.ts";
import { namedUserTree } from "../lib/trees.ts";
import { change } from "../manager/run/change.ts";
import { openLive } from "../manager/run/live.ts";
import { consoleReporter } from "../manager/run/report.ts";
import { command, isSupervised } from "../s6/supervise.ts";
import { isScanned, terminate } from "../s6/svscan.ts";
import * as libc from "../sys/libc.ts";
import { asOwner } from "./as-owner.ts";

/** How long the catch-all logger goes on taking the last lines of the others. */
const CATCH_ALL_GRACE_MS = 200;

/** How long the supervisors (and s6-svscan) get to end and leave. */
const LEAVE_WAIT_MS = 10_000;

export async function userShutdown(env: Record<string, string | undefined> = process.env): Promise<number> {
  const tree = namedUserTree("user-shutdown", env);
  if (process.getuid!() !== tree.owner!.uid) return asOwner(tree, ["user-shutdown"]);
  if (!isScanned(treePaths(tree).scandir)) throw new FailedError(`user-shutdown: ${tree.owner!.name}'s tree ${tree.name} is not running`);
  const code = await bringTreeDown(tree);
  log.info(`user-shutdown: ${tree.name} is down`);
  return code;
}

/**
 * The tree's services down in reverse order, then its supervisors ended:
 * through its s6-svscan, or, when that died and left them behind, each
 * told to leave itself. Its run directory goes last.
 */
export async function bringTreeDown(tree: Tree): Promise<number> {
  const { scandir, catchAllFifo, liveDb } = treePaths(tree);
  // Held until this process ends: s6-svscan's finish waits for it, so that the tree's
  // last process to end is its s6-svscan, after whoever took it down (its SIGTERM handler).
  const leaving = libc.open(leavingLock(tree), libc.O.RDWR | libc.O.CREAT | libc.O.CLOEXEC, 0o600);
  if (!libc.lockRecords(leaving)) throw new FailedError(`${tree.name}: another user-shutdown is taking it down`);
  let code: number = EXIT.OK;
  if (existsSync(liveDb)) {
    const live = openLive(tree, { checkSources: false });
    const all = [...live.graph.atoms.keys()];
    code = await change(live, { direction: "down", names: all, includeEssential: true, preempt: true, label: `tree ${tree.name}`, by: `user-shutdown (pid ${process.pid})` }, consoleReporter);
  }
  const catchAll = dirname(catchAllFifo);
  const supervised = readdirSync(scandir)
    .filter((entry) => !entry.startsWith("."))
    .map((entry) => join(scandir, entry))
    .filter(isSupervised);
  if (isScanned(scandir)) {
    // s6-svscan keeps the catch-all logger for last and writes into it itself: told to go last, once the rest has.
    terminate(scandir);
    await Bun.sleep(CATCH_ALL_GRACE_MS);
    if (supervised.includes(catchAll)) command(catchAll, "d");
  } else {
    for (const dir of supervised.filter((dir) => dir !== catchAll)) command(dir, "dx");
    await Bun.sleep(CATCH_ALL_GRACE_MS);
    if (supervised.includes(catchAll)) command(catchAll, "dx");
  }
  const left = () => isScanned(scandir) || supervised.some(isSupervised);
  if (!(await pollUntil(() => !left(), LEAVE_WAIT_MS, 50))) {
    log.error(`${tree.name}: s6-svscan or supervisors on ${scandir} still there after ${LEAVE_WAIT_MS} ms`);
    return EXIT.SYSTEM;
  }
  rmSync(tree.runDir, { recursive: true, force: true });
  return code;
}

/** Locked by whoever takes the tree down, until it exits. */
export const leavingLock = (tree: Tree) => join(treePaths(tree).stateDir, "leaving");
