import { defineCommand } from "citty";
import { systemTree } from "../lib/tree.ts";
import { loadGraph } from "../service/load.ts";

export default defineCommand({
  meta: { name: "list", description: "List services and bundles, or a bundle's contents" },
  args: { bundle: { type: "positional", description: "list only this bundle's services", required: false } },
  run({ args }) {
    const graph = loadGraph(systemTree(), { quiet: true });
    if (args.bundle) {
      const members = graph.bundles.get(args.bundle) ?? (graph.atoms.has(args.bundle) ? [args.bundle] : undefined);
      if (!members) throw new Error(`no service or bundle named ${args.bundle}`);
      return void members.sort().forEach((name) => console.log(name));
    }
    for (const name of [...graph.atoms.keys(), ...graph.bundles.keys()].sort()) {
      console.log(`${name}\t${graph.atoms.get(name)?.type ?? "bundle"}`);
    }
  },
});
