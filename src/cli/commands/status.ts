import { defineCommand } from "citty";
import { logLines, logOf } from "../../manager/run/logs.ts";
import { describeServices, formatTable } from "../../manager/run/status.ts";
import { readableLine } from "../../s6/logdir.ts";
import { jsonArgs, printJson, treeArgs } from "../args.ts";
import { openTree } from "../open-tree.ts";

/** How many of its log's last lines a service named on the command line shows. */
const LOG_TAIL = 5;

export default defineCommand({
  meta: { name: "status", description: "Each service's state, since when, its pid, and why it failed; a service named: its log's last lines too" },
  args: {
    ...treeArgs,
    names: { type: "positional", description: "services or bundles (default: all)", required: false },
    ...jsonArgs,
  },
  run({ args }) {
    const live = openTree(args);
    const rows = describeServices(live, args._);
    if (args.json) return printJson(rows);
    console.log(formatTable(rows));
    for (const name of args._.filter((name) => live.db.services[name] !== undefined)) {
      const place = logOf(live, name);
      const lines = place ? logLines(place) : [];
      if (!place || lines.length === 0) continue;
      console.log(`\n${name}: the last lines of ${place.dir}${place.prefix ? " (what it said at boot)" : ""}`);
      for (const line of lines.slice(-LOG_TAIL)) console.log(`  ${readableLine(line)}`);
    }
  },
});
