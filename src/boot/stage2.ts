// Stage 2: goetia bringing up the bundle named on the kernel command line,
// where the bring-up compiled with the database cannot (stage1.ts says
// when): in dependency order, beside the freshly started s6-svscan, then it
// exits. When asked on the kernel command line, or when the bundle is
// missing or does not fully come up for a failure that asks for it
// (failure-action), it opens an emergency shell on the console first or
// after: s6-svscan runs, so goetia status and goetia change work there.
import { isatty } from "node:tty";
import { EXIT, errorText, exitCodeOf } from "../lib/errors.ts";
import { copyLogTo, log } from "../lib/log.ts";
import { pollUntil } from "../lib/poll.ts";
import { bootRecord } from "../lib/timeline.ts";
import { systemTree, treePaths } from "../lib/tree.ts";
import { chooseBundle, closure, DEFAULT_BUNDLE, resolveNames, startOrder } from "../manager/graph.ts";
import { change } from "../manager/run/change.ts";
import { openLive, type Live } from "../manager/run/live.ts";
import { failureActionOf } from "../service.ts";
import { bootSummary } from "../manager/analyze/boot.ts";
import { BOOT_ASKER, BUNDLE_MARK } from "../manager/events.ts";
import * as messages from "../manager/messages.ts";
import { consoleReporter, quietReporter, reportOpening } from "../manager/run/report.ts";
import { isScanned } from "../s6/svscan.ts";
import { runEmergencyShell } from "./emergency.ts";
import { saveBootRecord } from "./saved-records.ts";

/** Where stage 1 hands over the catch-all log's fifo (non-blocking: a logger that never comes costs lines, never the boot). */
const CATCH_ALL_COPY_FD = 3;

/** requested: GOETIABUNDLE (the default bundle where unset or empty); emergency: the kernel command line's word that asked for a shell first; quiet: its `quiet`. */
export async function stage2(asked: string | undefined, { emergency, quiet = false }: { emergency?: string; quiet?: boolean } = {}): Promise<number> {
  const requested = asked || DEFAULT_BUNDLE;
  const tree = systemTree();
  const record = bootRecord(tree);
  record.markStart("stage2");
  const { scandir } = treePaths(tree);
  if (!(await pollUntil(() => isScanned(scandir), 30_000))) {
    log.fatal(`s6-svscan is not running on ${scandir} after 30 s; nothing started`);
    return EXIT.SYSTEM;
  }
  record.mark("scanned");
  // The console scrolls away: the boot's account goes to the catch-all log too (saved to disk at shutdown).
  copyLogTo(CATCH_ALL_COPY_FD);
  if (emergency !== undefined) {
    shell(`${emergency} on the kernel command line: no service is started yet`, `leave the shell to bring up ${requested}`);
  }
  let code: number;
  try {
    const live = openLive(tree);
    live.outputCopy = CATCH_ALL_COPY_FD;
    reportOpening(live, { problems: true });
    record.mark("database");
    const bundle = chooseBundle(live.graph, requested);
    if (bundle !== requested) log.error(messages.bundle.unknown(requested) + (bundle ? messages.bundle.instead(bundle) : ""));
    if (bundle === undefined) {
      record.note(BUNDLE_MARK.notUp, [requested]);
      shell(messages.bundle.none(requested === DEFAULT_BUNDLE ? requested : messages.bundle.nor(requested, DEFAULT_BUNDLE)));
      return EXIT.FAILED;
    }
    code = await change(live, { direction: "up", names: [bundle], label: `bundle ${bundle}`, summary: false, by: BOOT_ASKER }, quiet ? quietReporter : consoleReporter);
    record.note(code === EXIT.OK ? BUNDLE_MARK.up : BUNDLE_MARK.notUp, [bundle]);
    saveBootRecord(tree);
    const summary = bootSummary(bundle, record.read(), startOrder(live.graph));
    if (code === EXIT.OK) log.info(summary);
    else log.error(summary);
    // 2 is a shutdown taking over the boot: no shell then; nor for a failure that does not ask for it.
    if (code === EXIT.FAILED && failureTakesConsole(live, bundle)) shell(messages.emergency.notUp(bundle));
  } catch (error) {
    // s6-svscan runs on regardless: the catch-all logger, and the handlers for a clean shutdown.
    log.fatal(`stage 2 failed, no service was started: ${errorText(error)}`);
    code = exitCodeOf(error);
    shell("stage 2 failed");
  }
  return code;
}

/** Whether a service of bundle that is not up asks for the console (service.ts failureActionOf), as the bring-up's g$i do. */
function failureTakesConsole(live: Live, bundle: string): boolean {
  const wanted = closure(resolveNames(live.graph, [bundle]), live.graph.dependencies);
  return [...wanted].some((name) => live.states.phase(name) !== "up" && failureActionOf(live.graph.atoms.get(name)!) === "emergency");
}

/** The emergency shell, once, said so on the console first; where there is no terminal to give it, only said. */
function shell(why: string, after = messages.emergency.goOn): void {
  if (!isatty(1)) return log.error(messages.emergency.noTerminal(why));
  log.error(messages.emergency.starting(why, after));
  runEmergencyShell();
}
