// The dependency graph: bundles flattened, dependencies checked, cycles
// found and reported with their path. What cannot be satisfied is left out
// with a Problem, and so is everything that depends on it; the rest stands.
// Every walk is iterative and linear: a chain of any length costs no stack.
import { reverseEdges, type Graph } from "../graph.ts";
import type { Service, SourceSet } from "../../service.ts";
import { checkPipelines } from "./pipeline.ts";

type Report = (service: Service, file: string, message: string) => void;

export function buildGraph(sources: SourceSet): Graph {
  const problems = [...sources.problems];
  const report: Report = (service, file, message) =>
    problems.push({ service: service.name, file: `${service.dir}/${file}`.replace(/\/$/, ""), message });

  const pipelines = checkPipelines(sources.services, report);
  const bundles = flattenBundles(sources, pipelines.bundles, report);
  const candidates = new Map<string, string[]>();
  for (const service of sources.services.values()) {
    if (service.type === "bundle" || pipelines.broken.has(service.name)) continue;
    const deps = new Set<string>();
    for (const dep of service.dependencies) {
      const atoms = bundles.get(dep);
      if (atoms) atoms.forEach((atom) => deps.add(atom));
      else deps.add(dep);
    }
    const consumer = pipelines.dependencies.get(service.name);
    if (consumer !== undefined) deps.add(consumer);
    candidates.set(service.name, [...deps]);
  }

  const known = (name: string) => sources.services.has(name) || sources.broken.has(name);
  /** Leaves out what can never come up once gone is left out, each with its first missing link. */
  const leaveOut = (gone: string[]) => {
    for (const [name, missing] of strand(candidates, gone)) {
      const service = sources.services.get(name)!;
      const why = known(missing) ? "which is broken and left out" : "which does not exist";
      report(service, service.origins?.[missing] ?? "dependencies", `depends on ${missing}, ${why}`);
      candidates.delete(name);
    }
    for (const name of gone) candidates.delete(name);
  };
  leaveOut([]);
  for (const cycle of findCycles(candidates)) {
    for (const name of cycle) {
      const service = sources.services.get(name)!;
      const next = cycle[(cycle.indexOf(name) + 1) % cycle.length];
      report(service, service.origins?.[next] ?? "dependencies", `dependency cycle: ${[...cycle, cycle[0]].join(" -> ")}`);
    }
    leaveOut(cycle);
  }

  const atoms = new Map([...candidates.keys()].map((name) => [name, sources.services.get(name)!]));
  for (const [name, members] of bundles) {
    const kept = members.filter((member) => atoms.has(member));
    if (kept.length < members.length) {
      const lost = members.filter((member) => !atoms.has(member));
      const { owner, file } = bundleSource(sources.services, pipelines.owners, name);
      report(owner, owner.origins?.[lost[0]] ?? file, `leaves out broken service(s): ${lost.join(", ")}`);
    }
    bundles.set(name, kept);
  }

  return { atoms, bundles, dependencies: candidates, dependents: reverseEdges(candidates), problems };
}

/** Where a bundle is defined: its own contents, or the pipeline-name of the pipeline's last consumer. */
function bundleSource(services: Map<string, Service>, pipelineOwners: Map<string, string>, name: string) {
  const consumer = pipelineOwners.get(name);
  return consumer !== undefined ? { owner: services.get(consumer)!, file: "pipeline-name" } : { owner: services.get(name)!, file: "contents" };
}

/**
 * The candidates that can never come up: those with a dependency that is not
 * a candidate (or is among gone), and, in turn, whatever depends on them.
 * Returns each with the first missing link it was found to lack, in one
 * linear pass over the dependents.
 */
function strand(candidates: Map<string, string[]>, gone: Iterable<string>): Map<string, string> {
  const goneSet = new Set(gone);
  const dependents = new Map<string, string[]>();
  const stranded = new Map<string, string>();
  const queue: string[] = [];
  for (const [name, deps] of candidates) {
    for (const dep of deps) {
      const list = dependents.get(dep);
      if (list) list.push(name);
      else dependents.set(dep, [name]);
    }
    if (goneSet.has(name)) continue;
    const missing = deps.find((dep) => !candidates.has(dep) || goneSet.has(dep));
    if (missing !== undefined) stranded.set(name, missing);
  }
  queue.push(...goneSet, ...stranded.keys());
  for (let i = 0; i < queue.length; i++) {
    for (const dependent of dependents.get(queue[i]) ?? []) {
      if (goneSet.has(dependent) || stranded.has(dependent)) continue;
      stranded.set(dependent, queue[i]);
      queue.push(dependent);
    }
  }
  return stranded;
}

/**
 * Each bundle as the atomic services it contains, nested bundles (and
 * pipelines' bundles) included. A bundle in a cycle of bundles is reported
 * and left empty.
 */
function flattenBundles({ services, broken }: SourceSet, pipelineBundles: Map<string, string[]>, report: Report): Map<string, string[]> {
  const flat = new Map<string, string[]>(pipelineBundles);
  const inCycle = new Set<string>();
  for (const root of services.values()) {
    if (root.type !== "bundle" || flat.has(root.name)) continue;
    // Depth first with an explicit stack: a bundle is flattened once all it contains is.
    const path: string[] = [root.name];
    const onPath = new Set(path);
    while (path.length > 0) {
      const name = path[path.length - 1];
      const bundle = services.get(name)!;
      const next = bundle.contents.find((member) => services.get(member)?.type === "bundle" && !flat.has(member) && !inCycle.has(member));
      if (next !== undefined && !onPath.has(next)) {
        path.push(next);
        onPath.add(next);
        continue;
      }
      if (next !== undefined) {
        const cycle = [...path.slice(path.indexOf(next)), next];
        report(services.get(next)!, "contents", `bundle cycle: ${cycle.join(" -> ")}`);
        for (const member of cycle) inCycle.add(member);
        for (const member of cycle) flat.set(member, []);
      }
      if (!flat.has(name)) {
        const atoms = new Set<string>();
        for (const member of bundle.contents) {
          const nested = flat.get(member);
          if (nested) nested.forEach((atom) => atoms.add(atom));
          else if (services.has(member) || broken.has(member)) atoms.add(member); // a broken one is told with what the bundle leaves out
          else report(bundle, bundle.origins?.[member] ?? "contents", `contains ${member}, which does not exist`);
        }
        flat.set(name, [...atoms]);
      }
      path.pop();
      onPath.delete(name);
    }
  }
  return flat;
}

/** Strongly connected components with more than one member, or a self-loop (Tarjan's, with an explicit stack). */
export function findCycles(edges: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];

  for (const root of edges.keys()) {
    if (index.has(root)) continue;
    const frames: { node: string; next: number }[] = [];
    const enter = (node: string) => {
      index.set(node, counter);
      low.set(node, counter++);
      stack.push(node);
      onStack.add(node);
      frames.push({ node, next: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const out = edges.get(frame.node)!;
      if (frame.next < out.length) {
        const next = out[frame.next++];
        if (!edges.has(next)) continue;
        if (!index.has(next)) enter(next);
        else if (onStack.has(next)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(next)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || out.includes(frame.node)) cycles.push(orderCycle(component, edges));
    }
  }
  return cycles;
}

/** The component's members in the order the edges walk them, for a readable message. */
function orderCycle(component: string[], edges: Map<string, string[]>): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const path = [start];
  const onPath = new Set(path);
  for (let node = start; ; ) {
    const next = edges.get(node)!.find((n) => members.has(n) && !onPath.has(n));
    if (next === undefined) return path.concat(component.filter((n) => !onPath.has(n)).sort());
    path.push(next);
    onPath.add(next);
    node = next;
  }
}
