// goetia plot [--boot N] [-o FILE]: the boot chart, as SVG
// (manager/analyze/plot.ts), for a browser.
import { defineCommand } from "citty";
import { bootParts, bootServices, criticalChain } from "../../manager/analyze/boot.ts";
import { plotChart } from "../../manager/analyze/plot.ts";
import { bootArgs, chosenBoot } from "../boot-record.ts";
import { bundleMembers } from "../boot-bundle.ts";
import { outputArgs, treeArgs, writeOutput } from "../args.ts";
import { openTree } from "../open-tree.ts";

export default defineCommand({
  meta: { name: "plot", description: "The boot chart as SVG: a bar per service from its start to ready, the stages, the critical chain" },
  args: { ...treeArgs, ...bootArgs, ...outputArgs },
  run({ args }) {
    const live = openTree(args, { checkSources: false });
    const boot = chosenBoot(live, args.boot);
    const services = bootServices(boot.marks);
    const parts = bootParts(boot.marks);
    const chain = criticalChain(live.graph, services, bundleMembers(live.graph, boot.bundle));
    const state = parts ? `${parts.up ? "up" : "not fully up"} in ${Math.round(parts.totalMs)} ms since the kernel started` : "coming up";
    const svg = plotChart({
      title: `bundle ${boot.bundle} ${state}${boot.name ? ` (boot ${boot.name})` : ""}`,
      services,
      stages: parts?.parts ?? [],
      critical: new Set(chain.map((s) => s.name)),
    });
    writeOutput(args.output, svg);
  },
});
