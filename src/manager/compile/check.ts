// The dependency graph: bundles flattened, dependencies checked, cycles
// found and reported with their path. What cannot be satisfied is left out
// with a Problem, and so is everything that depends on it; the rest stands.
import { reverseEdges, type Graph } from "../graph.ts";
import type { Service } from "../service.ts";
import { checkPipelines } from "./pipeline.ts";
import type { SourceSet } from "./source.ts";

export function buildGraph(sources: SourceSet): Graph {
  const problems = [...sources.problems];
  const report = (service: Service, file: string, message: string) =>
    problems.push({ service: service.name, file: `${service.dir}/${file}`.replace(/\/$/, ""), message });

  const bundles = flattenBundles(sources.services, report);
  const candidates = new Map<string, string[]>();
  for (const service of sources.services.values()) {
    if (service.type === "bundle") continue;
    const deps = new Set<string>();
    for (const dep of service.dependencies) {
      if (bundles.has(dep)) bundles.get(dep)!.forEach((atom) => deps.add(atom));
      else deps.add(dep);
    }
    candidates.set(service.name, [...deps]);
  }

  const pipelines = checkPipelines(sources.services, report);
  for (const name of pipelines.broken) candidates.delete(name);
  for (const [producer, consumer] of pipelines.dependencies) {
    const deps = candidates.get(producer);
    if (deps && !deps.includes(consumer)) deps.push(consumer);
  }
  for (const [name, members] of pipelines.bundles) bundles.set(name, members);

  // Leave out whatever depends on something missing, repeatedly, so that
  // the reason always names the first missing link.
  const pruneUnsatisfied = () => {
    for (let changed = true; changed; ) {
      changed = false;
      for (const [name, deps] of candidates) {
        const missing = deps.find((dep) => !candidates.has(dep));
        if (missing === undefined) continue;
        const known = sources.services.has(missing) || sources.broken.has(missing);
        const why = known ? "which is broken and left out" : "which does not exist";
        report(sources.services.get(name)!, "dependencies", `depends on ${missing}, ${why}`);
        candidates.delete(name);
        changed = true;
      }
    }
  };
  pruneUnsatisfied();
  for (const cycle of findCycles(candidates)) {
    for (const name of cycle) {
      report(sources.services.get(name)!, "dependencies", `dependency cycle: ${[...cycle, cycle[0]].join(" -> ")}`);
      candidates.delete(name);
    }
  }
  pruneUnsatisfied(); // a cycle's removal strands what depended on it

  const atoms = new Map([...candidates.keys()].map((name) => [name, sources.services.get(name)!]));
  for (const [name, members] of bundles) {
    const kept = members.filter((member) => atoms.has(member));
    if (kept.length < members.length) {
      const lost = members.filter((member) => !atoms.has(member));
      report(sources.services.get(name)!, "contents", `leaves out broken service(s): ${lost.join(", ")}`);
    }
    bundles.set(name, kept);
  }

  return { atoms, bundles, dependencies: candidates, dependents: reverseEdges(candidates), problems };
}

/** Each bundle as the set of atomic services it contains, nested bundles included. */
function flattenBundles(
  services: Map<string, Service>,
  report: (service: Service, file: string, message: string) => void,
): Map<string, string[]> {
  const flat = new Map<string, string[]>();
  const visit = (name: string, path: string[]): string[] | undefined => {
    if (flat.has(name)) return flat.get(name);
    if (path.includes(name)) {
      const cycle = [...path.slice(path.indexOf(name)), name].join(" -> ");
      report(services.get(name)!, "contents", `bundle cycle: ${cycle}`);
      return undefined;
    }
    const bundle = services.get(name)!;
    const atoms = new Set<string>();
    for (const member of bundle.contents) {
      const target = services.get(member);
      if (!target) report(bundle, "contents", `contains ${member}, which does not exist`);
      else if (target.type !== "bundle") atoms.add(member);
      else visit(member, [...path, name])?.forEach((atom) => atoms.add(atom));
    }
    flat.set(name, [...atoms]);
    return flat.get(name);
  };
  for (const service of services.values()) if (service.type === "bundle") visit(service.name, []);
  return flat;
}

/** Strongly connected components with more than one member, or a self-loop (Tarjan). */
export function findCycles(edges: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];

  const strongConnect = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      if (!index.has(next)) {
        strongConnect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || edges.get(node)!.includes(node)) cycles.push(orderCycle(component, edges));
  };
  for (const node of edges.keys()) if (!index.has(node)) strongConnect(node);
  return cycles;
}

/** The component's members in the order the edges walk them, for a readable message. */
function orderCycle(component: string[], edges: Map<string, string[]>): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const path = [start];
  for (let node = start; ; ) {
    const next = edges.get(node)!.find((n) => members.has(n) && !path.includes(n));
    if (next === undefined) return path.concat(component.filter((n) => !path.includes(n)).sort());
    path.push(next);
    node = next;
  }
}
