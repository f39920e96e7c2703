// goetia graph [NAME] [--svg] [-o FILE]: the dependency graph of a service
// or bundle (default: every service) as Graphviz DOT (manager/analyze/dot.ts),
// or drawn as SVG by Graphviz's dot; states as colours when the tree runs.
import { defineCommand } from "citty";
import { FailedError } from "../../lib/errors.ts";
import { treePaths } from "../../lib/tree.ts";
import { dependencyDot } from "../../manager/analyze/dot.ts";
import { closure, resolveNames } from "../../manager/graph.ts";
import { describeServices } from "../../manager/run/status.ts";
import { isScanned } from "../../s6/svscan.ts";
import { jsonArgs, outputArgs, printJson, treeArgs, writeOutput } from "../args.ts";
import { openTree } from "../open-tree.ts";

export default defineCommand({
  meta: { name: "graph", description: "The dependency graph of NAME (default: every service) as Graphviz DOT, or SVG; states as colours when the tree runs" },
  args: {
    ...treeArgs,
    ...outputArgs,
    name: { type: "positional", description: "a service or bundle", required: false },
    svg: { type: "boolean", description: "draw it as SVG with Graphviz's dot (also when --output ends in .svg)" },
    ...jsonArgs,
  },
  run({ args }) {
    const live = openTree(args, { checkSources: false });
    const { graph } = live;
    const services = closure(args.name ? resolveNames(graph, [args.name]) : graph.atoms.keys(), graph.dependencies);
    const running = isScanned(treePaths(live.tree).scandir);
    const states = running ? new Map(describeServices(live, [...services]).map((row) => [row.name, row.state])) : undefined;
    if (args.json) {
      const nodes = [...services].sort().map((name) => ({ name, type: graph.atoms.get(name)!.type, state: states?.get(name) ?? null }));
      const edges = nodes.flatMap(({ name }) => (graph.dependencies.get(name) ?? []).map((needs) => ({ from: name, needs })));
      return printJson({ nodes, edges });
    }
    const dot = dependencyDot(graph, services, { bundles: args.name && graph.bundles.has(args.name) ? [args.name] : [], states });
    writeOutput(args.output, args.svg || args.output?.endsWith(".svg") ? drawn(dot) : dot);
  },
});

/** dot's SVG of a DOT text. */
function drawn(dot: string): string {
  if (!Bun.which("dot")) throw new FailedError("Graphviz's dot is not installed: without --svg, goetia graph writes DOT for any renderer");
  const run = Bun.spawnSync(["dot", "-Tsvg"], { stdin: new TextEncoder().encode(dot), stderr: "pipe" });
  if (run.exitCode !== 0) throw new FailedError(`dot -Tsvg failed: ${run.stderr.toString().trim()}`);
  return run.stdout.toString();
}
