// user-shutdown: USER's tree USERTREE down, as stage 3 brings the system's
// down: every service in reverse dependency order, then its s6-svscan told
// to end its supervisors (its loggers on end of file, no line lost) and
// leave. Its run directory goes with it; its logs stay in the home.
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { EXIT, FailedError } from "../lib/errors.ts";
import { log } from "../lib/log.ts";
import { pollUntil } from "../lib/poll.ts";
import { treePaths } from "../lib/tree.ts";
import { namedUserTree } from "../lib/trees.ts";
import { change } from "../manager/run/change.ts";
import { openLive } from "../manager/run/live.ts";
import { consoleReporter } from "../manager/run/report.ts";
import { command } from "../s6/supervise.ts";
import { isScanned, terminate } from "../s6/svscan.ts";
import { asOwner } from "./as-owner.ts";

/** How long the catch-all logger goes on taking the last lines of the others. */
const CATCH_ALL_GRACE_MS = 200;

/** How long s6-svscan gets to end its supervisors and leave. */
const LEAVE_WAIT_MS = 10_000;

export async function userShutdown(env: Record<string, string | undefined> = process.env): Promise<number> {
  const tree = namedUserTree("user-shutdown", env);
  if (process.getuid!() !== tree.owner!.uid) return asOwner(tree, "user-shutdown");
  const { scandir, catchAllFifo } = treePaths(tree);
  if (!isScanned(scandir)) throw new FailedError(`user-shutdown: ${tree.owner!.name}'s tree ${tree.name} is not running`);
  const live = openLive(tree, { checkSources: false });
  const down = await change(
    live,
    { direction: "down", names: [...live.graph.atoms.keys()], includeEssential: true, preempt: true, label: `tree ${tree.name}` },
    consoleReporter,
  );
  // s6-svscan keeps the catch-all logger for last and writes into it itself: told to go last, once the rest has.
  terminate(scandir);
  await Bun.sleep(CATCH_ALL_GRACE_MS);
  command(dirname(catchAllFifo), "d");
  if (!(await pollUntil(() => !isScanned(scandir), LEAVE_WAIT_MS, 50))) {
    log.error(`user-shutdown: s6-svscan on ${scandir} is still there after ${LEAVE_WAIT_MS} ms`);
    return EXIT.SYSTEM;
  }
  rmSync(tree.runDir, { recursive: true, force: true });
  log.info(`user-shutdown: ${tree.name} is down`);
  return down;
}
