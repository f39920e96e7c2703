// The tree's services as a checked graph, with every problem reported once.
import { log } from "../lib/log.ts";
import { treePaths, type Tree } from "../lib/tree.ts";
import { buildGraph, type Graph } from "./graph.ts";
import { loadSources } from "./source.ts";

export function loadGraph(tree: Tree, { quiet = false } = {}): Graph {
  const graph = buildGraph(loadSources(treePaths(tree).sourceDir));
  if (!quiet) for (const p of graph.problems) log.error(`service ${p.service}: ${p.file}: ${p.message}`);
  return graph;
}
