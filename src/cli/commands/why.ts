// goetia why NAME: why a service is not up (manager/analyze/why.ts), with
// the last lines of the log of the one at the root of it.
import { defineCommand } from "citty";
import { resolveNames } from "../../manager/graph.ts";
import { explain } from "../../manager/analyze/why.ts";
import { EVENT } from "../../manager/events.ts";
import { logLines, logOf } from "../../manager/run/logs.ts";
import { describeServices } from "../../manager/run/status.ts";
import { readableLine } from "../../s6/logdir.ts";
import { bootBundle, bootedServices } from "../boot-bundle.ts";
import { jsonArgs, printJson, treeArgs } from "../args.ts";
import { openTree } from "../open-tree.ts";

/** How many of its log's last lines the root cause shows. */
const LOG_TAIL = 5;

export default defineCommand({
  meta: { name: "why", description: "Why a service is not up: it failed and how, a dependency failed (down to the root cause), the boot did not bring it up, it was stopped, it restarts" },
  args: {
    ...treeArgs,
    name: { type: "positional", description: "a service", required: true },
    ...jsonArgs,
  },
  run({ args }) {
    const live = openTree(args, { checkSources: false });
    resolveNames(live.graph, [args.name]); // an unknown name is a usage error, said so
    const bundle = bootBundle(live.tree, live.graph);
    const booted = bootedServices(live.graph, bundle);
    const shown = (name: string) => describeServices(live, [name])[0];
    const marks = live.record.read();
    const stoppedBy = (name: string) => marks.findLast((mark) => mark.what === EVENT.stopping && mark.subject === name)?.detail;
    const why = explain(args.name, shown, booted, bundle, stoppedBy);
    const place = shown(why.cause).state === "failed" ? logOf(live, why.cause) : undefined;
    const lines = place ? logLines(place).slice(-LOG_TAIL).map(readableLine) : [];
    if (args.json) return printJson({ ...why, log: lines });
    for (const line of why.lines) console.log(line);
    if (lines.length > 0) console.log(`\n${why.cause}: the last lines of ${place!.dir}\n${lines.map((line) => `  ${line}`).join("\n")}`);
  },
});
