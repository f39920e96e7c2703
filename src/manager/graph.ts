// The dependency graph of a compiled database, and the questions asked of
// it. Every walk is iterative: a chain of any length costs no stack.
import { UsageError } from "../lib/errors.ts";
import type { Problem, Service } from "../service.ts";

export interface Graph {
  /** Atomic services (longruns and oneshots) that can be brought up. */
  atoms: Map<string, Service>;
  /** Bundles, each flattened to the atomic services it names. */
  bundles: Map<string, string[]>;
  /** name -> atomic services it directly depends on. */
  dependencies: Map<string, string[]>;
  /** name -> atomic services that directly depend on it. */
  dependents: Map<string, string[]>;
  problems: Problem[];
}

/** name -> what depends on it, from name -> what it depends on. */
export function reverseEdges(dependencies: Map<string, string[]>): Map<string, string[]> {
  const dependents = new Map<string, string[]>([...dependencies.keys()].map((name) => [name, []]));
  for (const [name, deps] of dependencies) for (const dep of deps) dependents.get(dep)?.push(name);
  return dependents;
}

export class UnknownServiceError extends UsageError {}

/** The bundle a tree comes up into when nothing names another (or what names one names nothing the tree has). */
export const DEFAULT_BUNDLE = "default";

/** What a boot asked for brings up: requested where the tree defines it, else the default bundle, else nothing (bringup.sh's lookup says the same, held equal by the conformance test). */
export function chooseBundle(graph: Graph, requested: string): string | undefined {
  return [requested, DEFAULT_BUNDLE].find((name) => defines(graph, name));
}

/** Whether name is a bundle or a service of graph's. */
export const defines = (graph: Graph, name: string): boolean => graph.bundles.has(name) || graph.atoms.has(name);

/** Names (services or bundles) to the atomic services they mean. */
export function resolveNames(graph: Graph, names: string[]): Set<string> {
  const atoms = new Set<string>();
  for (const name of names) {
    const bundle = graph.bundles.get(name);
    if (bundle) bundle.forEach((atom) => atoms.add(atom));
    else if (graph.atoms.has(name)) atoms.add(name);
    else throw new UnknownServiceError(`no service or bundle named ${name}`);
  }
  return atoms;
}

/** start plus everything reachable through edges (dependencies or dependents). */
export function closure(start: Iterable<string>, edges: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const pending = [...start];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    for (const next of edges.get(name) ?? []) if (!seen.has(next)) pending.push(next);
  }
  return seen;
}

/** Every service in the order a boot starts them, level by level: what the boot's bring-up numbers them by, and its summary lists them in. */
export function startOrder(graph: Graph): string[] {
  return levels(new Set(graph.atoms.keys()), graph.dependencies, graph.dependents).flat();
}

/**
 * names in levels (Kahn's order): each level needs only what the levels
 * before it hold, by before (what a name waits for) and after (its reverse).
 */
export function levels(names: Set<string>, before: Map<string, string[]>, after: Map<string, string[]>): string[][] {
  const waiting = new Map<string, number>();
  for (const name of names) waiting.set(name, (before.get(name) ?? []).filter((other) => names.has(other)).length);
  const result: string[][] = [];
  let level = [...names].filter((name) => waiting.get(name) === 0);
  while (level.length > 0) {
    level.sort();
    result.push(level);
    const next: string[] = [];
    for (const name of level) {
      for (const other of after.get(name) ?? []) {
        const left = waiting.get(other);
        if (left === undefined) continue;
        waiting.set(other, left - 1);
        if (left === 1) next.push(other);
      }
    }
    level = next;
  }
  return result;
}
