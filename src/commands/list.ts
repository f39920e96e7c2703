import { defineCommand } from "citty";
import { systemTree } from "../lib/tree.ts";
import { resolveNames } from "../service/graph.ts";
import { openLive } from "../service/live.ts";

export default defineCommand({
  meta: { name: "list", description: "List services and bundles, or the services a bundle contains" },
  args: { bundle: { type: "positional", description: "list only what this bundle contains", required: false } },
  run({ args }) {
    const { graph } = openLive(systemTree());
    if (args.bundle) return void [...resolveNames(graph, [args.bundle])].sort().forEach((name) => console.log(name));
    for (const name of [...graph.atoms.keys(), ...graph.bundles.keys()].sort()) {
      console.log(`${name}\t${graph.atoms.get(name)?.type ?? "bundle"}`);
    }
  },
});
