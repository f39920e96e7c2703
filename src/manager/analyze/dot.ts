// The dependency graph as Graphviz DOT: a node per service (a box for a
// oneshot, rounded for a longrun), an arrow from each service to what it
// needs, so that what needs nothing stands on top; a bundle asked for is a
// node of its own, with dashed arrows to its members. With states (a live
// tree), each node is filled with its state's colour and names it.
import type { Graph } from "../graph.ts";

const FILLS: Record<string, string> = {
  up: "#c8e6c9",
  down: "#eeeeee",
  failed: "#ffcdd2",
  starting: "#ffe0b2",
  stopping: "#ffe0b2",
  restarting: "#ffcc80",
  ended: "#cfd8dc",
  interrupted: "#e1bee7",
};

const quoted = (text: string) => text.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
/** A DOT identifier: always quoted, with quotes and backslashes escaped. */
const id = (text: string) => `"${quoted(text)}"`;
/** A label of several lines (DOT's \n between them). */
const label = (...lines: string[]) => `"${lines.map(quoted).join("\\n")}"`;

export interface DotOptions {
  /** The bundles to draw as nodes of their own, with their members. */
  bundles: string[];
  /** Each service's state, when the tree is live. */
  states?: Map<string, string>;
}

/** The graph of services (a set closed under dependencies), as DOT. */
export function dependencyDot(graph: Graph, services: Set<string>, { bundles, states }: DotOptions): string {
  const lines = [
    "digraph goetia {",
    "  rankdir=BT;",
    '  node [fontname="Helvetica", fontsize=11, style="filled", fillcolor="#ffffff"];',
    '  edge [color="#555555", arrowsize=0.7];',
  ];
  for (const name of [...services].sort()) {
    const service = graph.atoms.get(name)!;
    const state = states?.get(name);
    const shape = service.type === "oneshot" ? "box" : "box, style=\"rounded,filled\"";
    const fill = state ? `, fillcolor=${id(FILLS[state] ?? "#ffffff")}` : "";
    lines.push(`  ${id(name)} [shape=${shape}, label=${label(name, state ? `${service.type}, ${state}` : service.type)}${fill}];`);
  }
  for (const name of [...services].sort()) {
    for (const dependency of graph.dependencies.get(name) ?? []) lines.push(`  ${id(name)} -> ${id(dependency)};`);
  }
  for (const bundle of bundles) {
    lines.push(`  ${id(bundle)} [shape=doubleoctagon, label=${label(bundle, "bundle")}];`);
    for (const member of graph.bundles.get(bundle) ?? []) lines.push(`  ${id(bundle)} -> ${id(member)} [style=dashed];`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
