// Carrying out a change: every service starts the moment its dependencies
// are up (stops the moment its dependents are down), so independent branches
// run in parallel. A failure skips only what depends on it.
import { supervise } from "../s6/scandir.ts";
import { transition, type TransitionResult } from "../s6/supervise.ts";
import { treePaths } from "../lib/tree.ts";
import { closure } from "./graph.ts";
import type { Live } from "./live.ts";
import { runOneshot } from "./oneshot.ts";
import { makePipes } from "./pipeline.ts";
import type { Service } from "./source.ts";

export type Direction = "up" | "down";

export interface Outcome {
  name: string;
  ok: boolean;
  /** Not attempted because a dependency (or dependent) failed. */
  skipped: boolean;
  timedOut: boolean;
  reason?: string;
  durationMs: number;
}

export interface Reporter {
  started(service: Service, direction: Direction): void;
  finished(outcome: Outcome, direction: Direction): void;
}

export interface PlanOptions {
  /** Going down, also stop essential services (s6-rc's -D). */
  includeEssential?: boolean;
}

/**
 * The services a change acts on: the targets with their dependencies (up)
 * or their dependents (down), less those already there. A oneshot that
 * failed never came up, so it has nothing to undo going down (a failed
 * longrun may still be kept up by s6, so it is stopped). Going down,
 * essential services stay, and so does everything they need.
 */
export function planChange(live: Live, direction: Direction, targets: Iterable<string>, options: PlanOptions = {}): Set<string> {
  const { graph, states } = live;
  const edges = direction === "up" ? graph.dependencies : graph.dependents;
  const settled = (name: string) => {
    const phase = states.get(name).phase;
    return phase === direction || (direction === "down" && phase === "failed" && graph.atoms.get(name)!.type === "oneshot");
  };
  const plan = new Set([...closure(targets, edges)].filter((name) => !settled(name)));
  if (direction === "down" && !options.includeEssential) {
    const essential = [...plan].filter((name) => graph.atoms.get(name)!.essential);
    for (const kept of closure(essential, graph.dependencies)) plan.delete(kept);
  }
  return plan;
}

/** The plan in waves: each wave can run once the waves before it are done. */
export function waves(live: Live, direction: Direction, services: Set<string>): string[][] {
  const waitsFor = direction === "up" ? live.graph.dependencies : live.graph.dependents;
  const done = new Set<string>();
  const result: string[][] = [];
  while (done.size < services.size) {
    const wave = [...services].filter(
      (name) => !done.has(name) && (waitsFor.get(name) ?? []).every((other) => done.has(other) || !services.has(other)),
    );
    wave.sort().forEach((name) => done.add(name));
    result.push(wave);
  }
  return result;
}

export interface ApplyOptions {
  /** Ends what is in flight, as failures. */
  abort?: AbortSignal;
  /** No transition may take longer than this, whatever the service's own timeout. */
  timeoutCapMs?: number;
}

export async function applyChange(
  live: Live,
  direction: Direction,
  services: Set<string>,
  reporter: Reporter,
  options: ApplyOptions = {},
): Promise<Outcome[]> {
  if (direction === "up") await superviseLongruns(live, services);
  const waitsFor = direction === "up" ? live.graph.dependencies : live.graph.dependents;
  const results = new Map<string, Promise<Outcome>>();

  const settle = (name: string): Promise<Outcome> => {
    let result = results.get(name);
    if (!result) {
      result = (async () => {
        const before = (waitsFor.get(name) ?? []).filter((other) => services.has(other));
        const blocker = (await Promise.all(before.map(settle))).find((o) => !o.ok);
        if (blocker) return skip(live, name, direction, blocker.name, reporter);
        return transitionOne(live, live.graph.atoms.get(name)!, direction, reporter, options);
      })();
      results.set(name, result);
    }
    return result;
  };
  return Promise.all([...services].map(settle));
}

function skip(live: Live, name: string, direction: Direction, blocker: string, reporter: Reporter): Outcome {
  const relation = direction === "up" ? "dependency" : "dependent";
  const reason = `${relation} ${blocker} failed`;
  if (direction === "up") live.states.set(name, { phase: "failed", since: Date.now(), reason });
  const outcome = { name, ok: false, skipped: true, timedOut: false, reason, durationMs: 0 };
  reporter.finished(outcome, direction);
  return outcome;
}

async function transitionOne(
  live: Live,
  service: Service,
  direction: Direction,
  reporter: Reporter,
  { abort, timeoutCapMs }: ApplyOptions,
): Promise<Outcome> {
  const start = Date.now();
  live.states.set(service.name, { phase: direction === "up" ? "starting" : "stopping", since: start });
  reporter.started(service, direction);
  const own = direction === "up" ? service.timeoutUp : service.timeoutDown;
  const timeoutMs = timeoutCapMs && (own === 0 || own > timeoutCapMs) ? timeoutCapMs : own;
  const result: TransitionResult =
    service.type === "oneshot"
      ? await runOneshot(service, direction, live.env, timeoutMs, abort)
      : await transition(live.servicedir(service.name), direction, service.notificationFd !== undefined, timeoutMs, abort);
  const end = Date.now();
  const durationMs = end - start;
  if (result.ok) live.states.set(service.name, { phase: direction, since: end, durationMs, reason: result.message || undefined });
  else live.states.set(service.name, { phase: "failed", since: end, durationMs, reason: result.message });
  const outcome = { name: service.name, ok: result.ok, skipped: false, timedOut: result.timedOut, reason: result.message || undefined, durationMs };
  reporter.finished(outcome, direction);
  return outcome;
}

/** Gives every longrun of the change a supervisor, stopped, before anything starts. */
async function superviseLongruns(live: Live, services: Set<string>): Promise<void> {
  const longruns = [...services].filter((name) => live.graph.atoms.get(name)!.type === "longrun");
  makePipes(treePaths(live.tree).pipes, longruns.map((name) => live.graph.atoms.get(name)!));
  const unsupervised = await supervise(
    treePaths(live.tree).scandir,
    longruns.map((name) => ({ name, sourceDir: live.servicedirSource(name), liveDir: live.servicedir(name) })),
  );
  if (unsupervised.length > 0) throw new Error(`s6-svscan did not pick up: ${unsupervised.join(", ")}`);
}
