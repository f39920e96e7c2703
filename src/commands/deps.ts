import { defineCommand } from "citty";
import { systemTree } from "../lib/tree.ts";
import { closure, resolveNames } from "../service/graph.ts";
import { openLive } from "../service/live.ts";

export default defineCommand({
  meta: { name: "deps", description: "What services need (or, with -r, what needs them)" },
  args: {
    names: { type: "positional", description: "services or bundles", required: true },
    reverse: { type: "boolean", alias: "r", description: "list what depends on them instead" },
    all: { type: "boolean", alias: "a", description: "follow the whole chain, not only direct links" },
  },
  run({ args }) {
    const { graph } = openLive(systemTree());
    const edges = args.reverse ? graph.dependents : graph.dependencies;
    const direct = [...resolveNames(graph, args._)].flatMap((name) => edges.get(name) ?? []);
    const found = args.all ? closure(direct, edges) : new Set(direct);
    [...found].sort().forEach((name) => console.log(name));
  },
});
