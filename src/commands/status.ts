import { defineCommand } from "citty";
import { systemTree } from "../lib/tree.ts";
import { openLive } from "../service/live.ts";
import { describeServices, formatTable } from "../service/status.ts";

export default defineCommand({
  meta: { name: "status", description: "Each service's state, since when, its pid, and why it failed" },
  args: {
    names: { type: "positional", description: "services or bundles (default: all)", required: false },
    json: { type: "boolean", description: "print JSON instead of a table" },
  },
  run({ args }) {
    const rows = describeServices(openLive(systemTree()), args._);
    console.log(args.json ? JSON.stringify(rows, null, 2) : formatTable(rows));
  },
});
