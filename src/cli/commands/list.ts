import { defineCommand } from "citty";
import { FailedError } from "../../lib/errors.ts";
import { resolveNames } from "../../manager/graph.ts";
import { jsonArgs, printJson, treeArgs } from "../args.ts";
import { openTree } from "../open-tree.ts";

export default defineCommand({
  meta: { name: "list", description: "List services and bundles, or the services a bundle contains" },
  args: {
    ...treeArgs,
    ...jsonArgs,
    bundle: { type: "positional", description: "list only what this bundle contains", required: false },
  },
  run({ args }) {
    const live = openTree(args);
    const { graph } = live;
    if (graph.atoms.size === 0 && graph.bundles.size === 0) {
      const why = live.db.leftOut.length > 0 ? `all ${live.db.leftOut.length} found are broken (goetia compile says why)` : "there are none in the sources";
      throw new FailedError(`no service is loaded: ${why}`);
    }
    const names = args.bundle ? [...resolveNames(graph, [args.bundle])] : [...graph.atoms.keys(), ...graph.bundles.keys()];
    const rows = names.sort().map((name) => ({ name, type: graph.atoms.get(name)?.type ?? "bundle" }));
    if (args.json) return printJson(rows);
    for (const { name, type } of rows) console.log(args.bundle ? name : `${name}\t${type}`);
  },
});
