// Carrying out a planned change: every service starts the moment what it
// waits for is done (dependencies going up, dependents going down), so
// independent branches run in parallel. A failure skips only what waits for
// it. The scheduler is iterative: a chain of any length costs no stack.
import { errorText } from "../../lib/errors.ts";
import { EVENT } from "../events.ts";
import { reason } from "../messages.ts";
import { treePaths } from "../../lib/tree.ts";
import { supervise } from "../../s6/scandir.ts";
import type { Direction, Service } from "../../service.ts";
import type { Live } from "./live.ts";
import { clearDeathCount } from "../restart-policy.ts";
import { runStopCommand } from "./signal.ts";
import { runLongrun } from "./longrun.ts";
import { runOneshot } from "./oneshot.ts";
import { makePipes } from "./pipes.ts";
import { waitsFor } from "./plan.ts";
import type { Outcome, Reporter, TransitionResult } from "./transition.ts";

/**
 * Runs act on each service of services once everything it waits for (among
 * services) has succeeded; when one of those failed, skip stands in for act,
 * naming the first failure. Resolves with every outcome, in services' order;
 * an act that throws is a failure.
 */
export function schedule(
  waits: Map<string, string[]>,
  services: Set<string>,
  act: (name: string) => Promise<Outcome>,
  skip: (name: string, blocker: string) => Outcome,
): Promise<Outcome[]> {
  const order = [...services];
  if (order.length === 0) return Promise.resolve([]);
  const followers = new Map<string, string[]>(order.map((name) => [name, []]));
  const pending = new Map<string, number>();
  for (const name of order) {
    const before = (waits.get(name) ?? []).filter((other) => services.has(other));
    pending.set(name, before.length);
    for (const other of before) followers.get(other)!.push(name);
  }
  const blockers = new Map<string, string>();
  const outcomes = new Map<string, Outcome>();

  return new Promise((resolve) => {
    const ready = order.filter((name) => pending.get(name) === 0);
    let next = 0; // ready[next...] are waiting to be started
    const done = (outcome: Outcome) => {
      outcomes.set(outcome.name, outcome);
      for (const follower of followers.get(outcome.name)!) {
        if (!outcome.ok && !blockers.has(follower)) blockers.set(follower, outcome.name);
        const left = pending.get(follower)! - 1;
        pending.set(follower, left);
        if (left === 0) ready.push(follower);
      }
    };
    const drain = () => {
      for (; next < ready.length; next++) {
        const name = ready[next];
        const blocker = blockers.get(name);
        if (blocker !== undefined) done(skip(name, blocker));
        else
          act(name)
            .catch((error): Outcome => ({ name, ok: false, skipped: false, reason: errorText(error), durationMs: 0 }))
            .then((outcome) => {
              done(outcome);
              drain();
            });
      }
      if (outcomes.size === order.length) resolve(order.map((name) => outcomes.get(name)!));
    };
    drain();
  });
}

export interface ApplyOptions {
  /** Ends what is in flight, as failures. */
  abort?: AbortSignal;
  /** Who asked, for the boot record (default: this command line, its pid and uid). */
  by?: string;
  /** No transition may take longer than this, whatever the service's own timeout. */
  timeoutCapMs?: number;
  /** Up, anew: the longruns are up already and restart in place (goetia restart). */
  anew?: boolean;
}

export async function applyChange(
  live: Live,
  direction: Direction,
  services: Set<string>,
  reporter: Reporter,
  options: ApplyOptions = {},
): Promise<Outcome[]> {
  const by = options.by ?? requester();
  if (direction === "up") live.record.note(EVENT.asked, services, by);
  const unsupervised = direction === "up" ? await superviseLongruns(live, services) : new Set<string>();
  const act = async (name: string): Promise<Outcome> => {
    const service = live.graph.atoms.get(name)!;
    if (unsupervised.has(name)) return failed(live, name, direction, reporter, reason.noSupervisor);
    try {
      return await transitionOne(live, service, direction, reporter, { ...options, by });
    } catch (error) {
      // Its record could not be written (ENOSPC...): say so; the record may stay behind, and status shows it interrupted.
      return failed(live, name, direction, reporter, errorText(error));
    }
  };
  const skip = (name: string, blocker: string) =>
    failed(live, name, direction, reporter, (direction === "up" ? reason.dependencyFailed : reason.dependentFailed)(blocker), { blocker });
  return schedule(waitsFor(live.graph, direction), services, act, skip);
}

/** This command, as the boot record names who asked for a change. */
const requester = () => `${["goetia", ...process.argv.slice(2)].join(" ")} (pid ${process.pid}, uid ${process.getuid?.()})`;

/**
 * Records a failure (skipped: because blocker failed) and tells it. A
 * service skipped going down keeps its records (it is still up). Writing the
 * record may itself fail (ENOSPC): the line told is then all there is.
 */
function failed(live: Live, name: string, direction: Direction, reporter: Reporter, reason: string, { blocker }: { blocker?: string } = {}): Outcome {
  const skipped = blocker !== undefined;
  if (!skipped || direction === "up") {
    live.record.note(skipped ? EVENT.skipped : EVENT.failed, [name], blocker ?? reason);
    try {
      live.states.set(name, { phase: "failed", since: Date.now(), reason });
    } catch {
      // The failure being told may be this very write's; the line below tells it.
    }
  }
  const outcome = { name, ok: false, skipped, reason, durationMs: 0 };
  reporter.finished(outcome, direction);
  return outcome;
}

async function transitionOne(
  live: Live,
  service: Service,
  direction: Direction,
  reporter: Reporter,
  { abort, timeoutCapMs, by, anew }: ApplyOptions,
): Promise<Outcome> {
  const start = Date.now();
  if (service.type === "oneshot") live.states.clearExit(service.name);
  live.states.set(service.name, { phase: direction === "up" ? "starting" : "stopping", since: start });
  live.record.note(direction === "up" ? EVENT.starting : EVENT.stopping, [service.name], direction === "down" ? by : undefined);
  reporter.started(service, direction);
  // A restart is a way down and a way up.
  const own = anew ? (service.timeoutUp && service.timeoutDown && service.timeoutUp + service.timeoutDown) : direction === "up" ? service.timeoutUp : service.timeoutDown;
  const timeoutMs = timeoutCapMs && (own === 0 || own > timeoutCapMs) ? timeoutCapMs : own;
  let result: TransitionResult;
  try {
    if (direction === "up" && service.restartPolicy) clearDeathCount(live.servicedir(service.name));
    if (direction === "down") await runStopCommand(live, service);
    result =
      service.type === "oneshot"
        ? await runOneshot(service, direction, live, timeoutMs, abort)
        : await runLongrun(live.servicedir(service.name), direction, {
            ready: service.notificationFd !== undefined,
            timeoutMs,
            abort,
            onStarted: () => live.record.note(EVENT.up, [service.name]),
            anew,
            stayUpMs: service.stayUpMs,
          });
  } catch (error) {
    result = { ok: false, message: errorText(error) }; // E2BIG, ENOSPC...: it did not start
  }
  const end = Date.now();
  const durationMs = end - start;
  const reason = result.message || undefined;
  live.states.set(service.name, { phase: result.ok ? direction : "failed", since: end, durationMs, reason });
  const readiness = direction === "up" && service.notificationFd !== undefined;
  live.record.note(!result.ok ? EVENT.failed : readiness ? EVENT.ready : EVENT[direction], [service.name], reason);
  const outcome = { name: service.name, ok: result.ok, skipped: false, reason, durationMs };
  reporter.finished(outcome, direction);
  return outcome;
}

/** Gives every longrun of the change a supervisor, stopped, before anything starts; returns those s6-svscan never picked up. */
async function superviseLongruns(live: Live, services: Set<string>): Promise<Set<string>> {
  const longruns = [...services].map((name) => live.graph.atoms.get(name)!).filter((service) => service.type === "longrun");
  const paths = treePaths(live.tree);
  makePipes(paths.pipes, longruns);
  const entries = longruns.map(({ name }) => ({ name, sourceDir: live.servicedirSource(name), liveDir: live.servicedir(name) }));
  return new Set(await supervise(paths.scandir, entries));
}
