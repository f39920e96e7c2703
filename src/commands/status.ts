import { defineCommand } from "citty";
import { systemTree } from "../lib/tree.ts";
import { openContext } from "../service/engine.ts";
import { loadGraph } from "../service/load.ts";

export default defineCommand({
  meta: { name: "status", description: "Show each service's state, since when, and why it failed" },
  args: {
    name: { type: "positional", description: "one service (default: all)", required: false },
    json: { type: "boolean", description: "print JSON instead of a table" },
  },
  run({ args }) {
    const tree = systemTree();
    const ctx = openContext(tree, loadGraph(tree, { quiet: true }), {});
    const names = args.name ? [args.name] : [...ctx.graph.atoms.keys()].sort();
    const rows = names.map((name) => ({ name, type: ctx.graph.atoms.get(name)?.type ?? "?", ...ctx.states.get(name) }));
    if (args.json) return void console.log(JSON.stringify(rows, null, 2));
    const width = Math.max(4, ...names.map((n) => n.length));
    console.log(`${"NAME".padEnd(width)}  TYPE     STATE     SINCE                     DETAIL`);
    for (const row of rows) {
      const since = row.since ? new Date(row.since).toISOString() : "-";
      const detail = row.reason ?? (row.durationMs !== undefined ? `took ${row.durationMs} ms` : "");
      console.log(`${row.name.padEnd(width)}  ${row.type.padEnd(7)}  ${row.phase.padEnd(8)}  ${since.padEnd(24)}  ${detail}`);
    }
  },
});
