// Planning a change: which services it acts on, and in what order. Pure
// functions of the graph and each service's phase, so they are tested
// without any process.
import { closure, levels, type Graph } from "../graph.ts";
import { isSettled, type Phase } from "./state.ts";
import type { Direction } from "../../service.ts";

/** What a service waits for in a change: its dependencies going up, its dependents going down. */
export function waitsFor(graph: Graph, direction: Direction): Map<string, string[]> {
  return direction === "up" ? graph.dependencies : graph.dependents;
}

/**
 * The services a change acts on: the targets with their dependencies (up)
 * or their dependents (down), less those already settled. Going down
 * without includeEssential, essential services stay, and so does
 * everything they need.
 */
export function planChange(
  graph: Graph,
  phaseOf: (name: string) => Phase,
  direction: Direction,
  targets: Iterable<string>,
  { includeEssential = false } = {},
): Set<string> {
  const atom = (name: string) => graph.atoms.get(name);
  const involved = closure(targets, waitsFor(graph, direction));
  const plan = new Set([...involved].filter((name) => !isSettled(phaseOf(name), direction, atom(name)?.type ?? "oneshot")));
  if (direction === "down" && !includeEssential) {
    const essential = [...plan].filter((name) => atom(name)?.essential);
    for (const kept of closure(essential, graph.dependencies)) plan.delete(kept);
  }
  return plan;
}

/** The plan in waves: each wave can run once the waves before it are done. */
export function waves(graph: Graph, direction: Direction, services: Set<string>): string[][] {
  return levels(services, waitsFor(graph, direction), waitsFor(graph, direction === "up" ? "down" : "up"));
}
