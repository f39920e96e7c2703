// Stage 2: brings up the bundle named on the kernel command line, in
// dependency order, beside the freshly started s6-svscan, then exits.
import { constants, openSync } from "node:fs";
import { EXIT, errorText, exitCodeOf } from "../lib/errors.ts";
import { copyLogTo, log } from "../lib/log.ts";
import { pollUntil } from "../lib/poll.ts";
import { systemTree, treePaths } from "../lib/tree.ts";
import { change } from "../manager/run/change.ts";
import { openLive } from "../manager/run/live.ts";
import { consoleReporter, reportOpening } from "../manager/run/report.ts";
import { hasReader } from "../s6/control.ts";
import { isScanned } from "../s6/svscan.ts";
import { DEFAULT_BUNDLE } from "./cmdline.ts";

export async function stage2(requested: string): Promise<number> {
  const tree = systemTree();
  const { scandir, catchAllFifo } = treePaths(tree);
  if (!(await pollUntil(() => isScanned(scandir), 30_000))) {
    log.fatal(`s6-svscan is not running on ${scandir} after 30 s; nothing started`);
    return EXIT.SYSTEM;
  }
  await keepInCatchAllLog(catchAllFifo);
  try {
    const live = openLive(tree);
    reportOpening(live, { problems: true });
    let bundle = requested;
    if (!live.graph.bundles.has(bundle) && !live.graph.atoms.has(bundle)) {
      log.error(`GOETIABUNDLE=${bundle}: no such bundle or service; bringing up ${DEFAULT_BUNDLE} instead`);
      bundle = DEFAULT_BUNDLE;
    }
    return await change(live, { direction: "up", names: [bundle], label: `bundle ${bundle}` }, consoleReporter);
  } catch (error) {
    // s6-svscan runs on regardless: the catch-all logger, and the handlers for a clean shutdown.
    log.fatal(`stage 2 failed, no service was started: ${errorText(error)}`);
    return exitCodeOf(error);
  }
}

/**
 * The console scrolls away: keep the boot's account in the catch-all log too
 * (it is saved to disk at shutdown). Its logger may still be starting.
 */
async function keepInCatchAllLog(fifo: string): Promise<void> {
  if (!(await pollUntil(() => hasReader(fifo), 2_000))) return log.warn(`no catch-all logger on ${fifo}: this boot's account stays on the console only`);
  copyLogTo(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
}
