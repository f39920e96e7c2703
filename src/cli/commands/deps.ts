import { defineCommand } from "citty";
import { closure, resolveNames } from "../../manager/graph.ts";
import { jsonArgs, printJson, treeArgs } from "../args.ts";
import { openTree } from "../open-tree.ts";

export default defineCommand({
  meta: { name: "deps", description: "What services need (or, with -r, what needs them)" },
  args: {
    ...treeArgs,
    names: { type: "positional", description: "services or bundles", required: true },
    reverse: { type: "boolean", alias: "r", description: "list what depends on them instead" },
    all: { type: "boolean", alias: "a", description: "follow the whole chain, not only direct links" },
    ...jsonArgs,
  },
  run({ args }) {
    const live = openTree(args);
    const edges = args.reverse ? live.graph.dependents : live.graph.dependencies;
    const direct = [...resolveNames(live.graph, args._)].flatMap((name) => edges.get(name) ?? []);
    const found = args.all ? closure(direct, edges) : new Set(direct);
    const names = [...found].sort();
    if (args.json) return printJson(names);
    for (const name of names) console.log(name);
  },
});
