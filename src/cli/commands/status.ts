import { defineCommand } from "citty";
import { openLive } from "../../manager/run/live.ts";
import { reportOpening } from "../../manager/run/report.ts";
import { describeServices, formatTable } from "../../manager/run/status.ts";
import { treeArgs, treeOf } from "../args.ts";

export default defineCommand({
  meta: { name: "status", description: "Each service's state, since when, its pid, and why it failed" },
  args: {
    ...treeArgs,
    names: { type: "positional", description: "services or bundles (default: all)", required: false },
    json: { type: "boolean", description: "print JSON instead of a table" },
  },
  run({ args }) {
    const live = openLive(treeOf(args));
    reportOpening(live);
    const rows = describeServices(live, args._);
    console.log(args.json ? JSON.stringify(rows, null, 2) : formatTable(rows));
  },
});
