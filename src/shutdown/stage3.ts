// Stage 3: the way down while the supervision tree still runs. PID 1
// (s6-svscan) runs this as its signal handler (.s6-svscan/SIGxxx is a link
// to goetia), so it lives outside every service's session and survives the
// services it stops. It speaks on the console: that is who watches. It claims the
// shutdown (a second request stands down), stops every service in reverse
// dependency order, and tells s6-svscan to exec its finish script (stage 4).
// Whatever happens here, a watchdog makes s6-svscan leave within a bound.
import { speakOnConsole } from "../lib/console.ts";
import { EXIT, errorText } from "../lib/errors.ts";
import { log } from "../lib/log.ts";
import { systemTree, treePaths } from "../lib/tree.ts";
import { change } from "../manager/run/change.ts";
import { openLive } from "../manager/run/live.ts";
import { consoleReporter } from "../manager/run/report.ts";
import type { Action } from "../roles.ts";
import { leave, startWatchdog } from "../s6/svscan.ts";
import { claimAction, readAction, shutdownTimeline } from "./action.ts";

/** The services get this long, in all; then the tree stops regardless. */
const SERVICES_LIMIT_MS = 60_000;
/** No single service may hold up a shutdown longer than this, whatever its timeout-down. */
const SERVICE_LIMIT_MS = 10_000;
/** The watchdog's bound on the whole of stage 3. */
const HARD_LIMIT_S = 90;

export async function stage3(action: Action): Promise<number> {
  speakOnConsole();
  const tree = systemTree();
  if (!claimAction(tree, action)) {
    log.warn(`${action} asked, but a ${readAction(tree) ?? "shutdown"} is already under way; it goes on`);
    return EXIT.FAILED;
  }
  const timeline = shutdownTimeline(tree);
  timeline.markStart("stage3");
  const scandir = treePaths(tree).scandir;
  startWatchdog(scandir, HARD_LIMIT_S);

  log.info(`${action}: stage 3: stopping services`);
  try {
    const live = openLive(tree, { checkSources: false });
    const request = {
      direction: "down" as const,
      names: [...live.graph.atoms.keys()],
      includeEssential: true,
      label: "all services",
      timeoutMs: SERVICES_LIMIT_MS,
      serviceTimeoutCapMs: SERVICE_LIMIT_MS,
      preempt: true,
      by: `the ${action} (stage 3)`,
    };
    timeline.mark("services-stopping");
    await change(live, request, consoleReporter);
  } catch (error) {
    log.error(`${action}: stopping services failed: ${errorText(error)}; going on`);
  }
  timeline.mark("services-down");
  log.info(`${action}: stopping the supervision tree`);
  leave(scandir);
  return EXIT.OK;
}
