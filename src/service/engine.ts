// Carrying out a change: every service starts the moment its dependencies
// are up (stops the moment its dependents are down), so independent branches
// run in parallel. A failure skips only what depends on it.
import { join } from "node:path";
import { treePaths, type Tree } from "../lib/tree.ts";
import { supervise } from "../s6/scandir.ts";
import { transition } from "../s6/supervise.ts";
import { closure, type Graph } from "./graph.ts";
import { runOneshot } from "./oneshot.ts";
import type { Service } from "./source.ts";
import { StateStore } from "./state.ts";

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

export interface Context {
  tree: Tree;
  graph: Graph;
  states: StateStore;
  /** The tree's clean environment, for oneshots. */
  env: Record<string, string>;
}

export function openContext(tree: Tree, graph: Graph, env: Record<string, string>): Context {
  return { tree, graph, states: new StateStore(join(treePaths(tree).stateDir, "state")), env };
}

/** The services a change will act on: the targets with their dependencies (up) or dependents (down). */
export function planChange(ctx: Context, direction: Direction, targets: Iterable<string>): Set<string> {
  const edges = direction === "up" ? ctx.graph.dependencies : ctx.graph.dependents;
  const wanted = direction === "up" ? "up" : "down";
  return new Set([...closure(targets, edges)].filter((name) => ctx.states.get(name).phase !== wanted));
}

export async function applyChange(
  ctx: Context,
  direction: Direction,
  services: Set<string>,
  reporter: Reporter,
): Promise<Outcome[]> {
  if (direction === "up") await superviseLongruns(ctx, services);
  // Going up, a service waits for its dependencies; going down, for its dependents.
  const waitsFor = direction === "up" ? ctx.graph.dependencies : ctx.graph.dependents;
  const results = new Map<string, Promise<Outcome>>();

  const settle = (name: string): Promise<Outcome> => {
    let result = results.get(name);
    if (!result) {
      result = (async () => {
        const before = (waitsFor.get(name) ?? []).filter((other) => services.has(other));
        const outcomes = await Promise.all(before.map(settle));
        const blocker = outcomes.find((o) => !o.ok);
        if (blocker) return skip(ctx, name, direction, blocker.name, reporter);
        return transitionOne(ctx, ctx.graph.atoms.get(name)!, direction, reporter);
      })();
      results.set(name, result);
    }
    return result;
  };
  return Promise.all([...services].map(settle));
}

function skip(ctx: Context, name: string, direction: Direction, blocker: string, reporter: Reporter): Outcome {
  const relation = direction === "up" ? "dependency" : "dependent";
  const outcome = { name, ok: false, skipped: true, timedOut: false, reason: `${relation} ${blocker} failed`, durationMs: 0 };
  const phase = ctx.states.get(name).phase;
  if (direction === "up" && phase !== "up") ctx.states.set(name, { phase: "failed", since: Date.now(), reason: outcome.reason });
  reporter.finished(outcome, direction);
  return outcome;
}

async function transitionOne(ctx: Context, service: Service, direction: Direction, reporter: Reporter): Promise<Outcome> {
  const start = Date.now();
  ctx.states.set(service.name, { phase: direction === "up" ? "starting" : "stopping", since: start });
  reporter.started(service, direction);
  const timeoutMs = direction === "up" ? service.timeoutUp : service.timeoutDown;
  const result =
    service.type === "oneshot"
      ? await runOneshot(service, direction, ctx.env, timeoutMs)
      : await transition(liveDir(ctx.tree, service.name), direction, service.notificationFd !== undefined, timeoutMs);
  const end = Date.now();
  const durationMs = end - start;
  if (result.ok) ctx.states.set(service.name, { phase: direction, since: end, durationMs });
  else ctx.states.set(service.name, { phase: "failed", since: end, durationMs, reason: result.message });
  const outcome = { name: service.name, ok: result.ok, skipped: false, timedOut: result.timedOut, reason: result.message || undefined, durationMs };
  reporter.finished(outcome, direction);
  return outcome;
}

export function liveDir(tree: Tree, name: string): string {
  return join(treePaths(tree).stateDir, "servicedirs", name);
}

/** Gives every longrun of the change a supervisor, stopped, before anything starts. */
async function superviseLongruns(ctx: Context, services: Set<string>): Promise<void> {
  const longruns = [...services].map((name) => ctx.graph.atoms.get(name)!).filter((s) => s.type === "longrun");
  const unsupervised = await supervise(
    treePaths(ctx.tree).scandir,
    longruns.map((s) => ({ name: s.name, sourceDir: s.dir, liveDir: liveDir(ctx.tree, s.name) })),
  );
  if (unsupervised.length > 0) throw new Error(`s6-svscan did not pick up: ${unsupervised.join(", ")}`);
}
