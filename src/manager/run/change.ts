// A whole change as a person asks for it: names resolved, one change at a
// time, the plan printed or carried out, and an exit code as s6-rc gives it.
import { EXIT } from "../../lib/errors.ts";
import { log } from "../../lib/log.ts";
import { treePaths } from "../../lib/tree.ts";
import { closure, resolveNames } from "../graph.ts";
import { applyChange } from "./engine.ts";
import { endedLongrun, sourceEdited, type Live } from "./live.ts";
import { takeLock } from "./lock.ts";
import { planChange, waves } from "./plan.ts";
import { settleInterrupted } from "./settle.ts";
import { isTransitional } from "./state.ts";
import { line, reason } from "../messages.ts";
import type { Direction } from "../../service.ts";
import type { Outcome, Reporter } from "./transition.ts";

export interface ChangeRequest {
  direction: Direction;
  names: string[];
  /** Also bring down everything outside the selection (up) or inside it (down): s6-rc's -p. */
  prune?: boolean;
  /** Going down, essential services go too (s6-rc's -D). */
  includeEssential?: boolean;
  /** Print the plan, change nothing. */
  dryRun?: boolean;
  /** Give up after this many ms (exit 2); 0 waits for ever. */
  timeoutMs?: number;
  /** How long to wait for another change to end before giving up. */
  lockWaitMs?: number;
  /** How the closing line names the change (default: the names). */
  label?: string;
  /** No service may take longer than this, whatever its own timeout says (shutdown). */
  serviceTimeoutCapMs?: number;
  /** Interrupt a change in progress rather than wait for it (shutdown). */
  preempt?: boolean;
  /** Who asks, for the boot record (default: the command line). */
  by?: string;
  /** Whether the closing line is said (default: yes; stage 2 says its own). */
  summary?: boolean;
  /** Up, anew (goetia restart): see planSteps. */
  restart?: boolean;
}

/** One step of a change: services brought one way, or (anew) longruns that are up restarted in place. */
interface Step {
  direction: Direction;
  services: Set<string>;
  anew?: boolean;
}

/** Carries out request; returns the exit code: 0 done, 1 something failed, 2 timed out. Unknown names throw a usage error. */
export async function change(live: Live, request: ChangeRequest, reporter: Reporter): Promise<number> {
  const targets = resolveNames(live.graph, request.names);
  const what = request.label ?? request.names.join(" ");
  if (request.dryRun) {
    for (const step of planSteps(live, request, targets)) printPlan(live, step);
    return EXIT.OK;
  }

  const waitMs = request.lockWaitMs ?? (request.preempt ? 5_000 : 30_000);
  const lock = await takeLock(treePaths(live.tree).lock, `${request.direction} ${what}`, waitMs, { preempt: request.preempt });
  const touched = new Set<string>();
  const abort = new AbortController();
  const timer = request.timeoutMs ? setTimeout(() => abort.abort(`timed out after ${request.timeoutMs} ms`), request.timeoutMs) : undefined;
  // SIGTERM (a shutdown taking over) ends what is in flight, cleanly.
  const onTerm = () => abort.abort(reason.sigterm);
  process.on("SIGTERM", onTerm);
  const options = { abort: abort.signal, timeoutCapMs: request.serviceTimeoutCapMs, by: request.by };
  try {
    if (lock.lastHolderDied) {
      const settled = await settleInterrupted(live);
      if (settled.length > 0) log.warn(`settled what an interrupted change left: ${settled.join(", ")}`);
    }
    // Planned only now, under the lock: the change before this one may have moved things.
    const steps = planSteps(live, request, targets);
    for (const { services } of steps) for (const name of services) touched.add(name);
    const edited = [...touched].filter((name) => sourceEdited(live, name));
    if (edited.length > 0) log.warn(`the sources of ${edited.join(", ")} have changed since they were applied: \`goetia update\` applies them`);
    const outcomes: Outcome[] = [];
    for (const { direction, services, anew } of steps) {
      if (abort.signal.aborted) break;
      outcomes.push(...(await applyChange(live, direction, services, reporter, { ...options, anew })));
    }
    if (abort.signal.aborted) {
      const cut = outcomes.filter((o) => o.reason === reason.interrupted).map((o) => o.name);
      log.error(line.cut(what, String(abort.signal.reason), cut.join(", ") || "none"));
      return EXIT.TIMEOUT;
    }
    const done = outcomes.every((o) => o.ok);
    if (request.summary ?? true) summarize(what, request.restart ? "restarted" : request.direction, outcomes);
    return done ? EXIT.OK : EXIT.FAILED;
  } finally {
    process.off("SIGTERM", onTerm);
    clearTimeout(timer);
    // A record that could not be written (ENOSPC...) leaves a transition on record: the next change settles it.
    lock.release({ leftBehind: [...touched].some((name) => isTransitional(live.states.phase(name))) });
  }
}

/**
 * What the change does, in order: with prune, first down what is left out.
 * A restart takes the oneshots named that are up down, with what depends
 * on them (a oneshot's down undoes what they need), restarts in place the
 * longruns named that are up (what depends on a daemon needs it running,
 * and it runs again), then brings up all it took down and whatever was not
 * up among the names.
 */
function planSteps(live: Live, request: ChangeRequest, targets: Set<string>): Step[] {
  const { graph } = live;
  // Going up, a longrun that ended for good (endedLongrun) is down, whatever the record says.
  const phaseUp = (name: string) => (endedLongrun(live, name) ? "down" : live.states.phase(name));
  const plan = (direction: Direction, names: Iterable<string>, includeEssential = request.includeEssential, phaseOf = direction === "up" ? phaseUp : live.states.phase) => {
    return { direction, services: planChange(graph, phaseOf, direction, names, { includeEssential }) };
  };
  if (request.restart) {
    const up = [...targets].filter((name) => phaseUp(name) === "up");
    const down = plan("down", up.filter((name) => graph.atoms.get(name)!.type === "oneshot"), true);
    const anew = up.filter((name) => graph.atoms.get(name)!.type === "longrun" && !down.services.has(name));
    const phaseAfterDown = (name: string) => (down.services.has(name) ? "down" : phaseUp(name));
    return [down, { direction: "up", services: new Set(anew), anew: true }, plan("up", [...targets, ...down.services], false, phaseAfterDown)];
  }
  if (!request.prune) return [plan(request.direction, targets)];
  if (request.direction === "up") {
    const keep = closure(targets, graph.dependencies);
    return [plan("down", [...graph.atoms.keys()].filter((name) => !keep.has(name))), plan("up", targets)];
  }
  // -pd: down the selection, and bring everything else up.
  return [plan("down", targets), plan("up", [...graph.atoms.keys()].filter((name) => !targets.has(name)), false)];
}

function printPlan(live: Live, { direction, services, anew }: Step): void {
  if (anew) return void (services.size > 0 && log.info(`would restart: ${[...services].join(" ")}`));
  if (services.size === 0) return void log.info(`nothing to bring ${direction}`);
  waves(live.graph, direction, services).forEach((wave, i) => {
    log.info(`would bring ${direction}, step ${i + 1}: ${wave.join(" ")}`);
  });
}

/** The closing line: names every failure, or says the target was reached. */
function summarize(what: string, reached: string, outcomes: Outcome[]): void {
  const failed = outcomes.filter((o) => !o.ok && !o.skipped).map((o) => o.name);
  const skipped = outcomes.filter((o) => o.skipped).map((o) => o.name);
  if (failed.length === 0 && skipped.length === 0) return log.info(`${what} ${reached}`);
  const parts = [`failed: ${failed.join(", ")}`];
  if (skipped.length > 0) parts.push(`skipped: ${skipped.join(", ")}`);
  log.error(`${what} not fully ${reached}: ${parts.join("; ")}`);
}
