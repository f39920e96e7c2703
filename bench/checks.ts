// Benchmark: what counting a daemon up truthfully costs a bring-up.
//
// On the host, with a real s6-svscan: `goetia start` of a bundle of twenty
// longruns without readiness (`exec sleep infinity`, no dependencies), in
// three variants, each in a tree of its own and timed in turn, round after
// round: up at spawn, as s6 has it (stay-up 0); up once each has stayed up
// the default 100 ms; and the same with a health check on each (whose loop
// the run script starts before its exec). A change waits for its daemons'
// stay-up together, so the second costs one stay-up, not twenty; the third
// adds one fork per daemon and nothing else until its first check.
import { HostTree } from "../test/helpers/host-tree.ts";
import { writeResults } from "./results.ts";

const ROUNDS = Number(process.env.BENCH_RUNS ?? 7);
const COUNT = 20;

const VARIANTS = {
  "up at spawn (stay-up 0)": { "stay-up": "0\n" },
  "stayed up 100 ms (the default)": {},
  "stayed up 100 ms, and a health check each": { check: "#!/bin/sh\nexit 0\n" },
} satisfies Record<string, Record<string, string>>;
type Variant = keyof typeof VARIANTS;

async function treeOf(files: Record<string, string>): Promise<HostTree> {
  const tree = await new HostTree().start();
  const names = Array.from({ length: COUNT }, (_, i) => `d${i}`);
  for (const name of names) tree.service(name, { type: "longrun\n", run: "#!/bin/sh\nexec sleep infinity\n", "no-log": "", ...files });
  tree.service("all", { type: "bundle\n", contents: `${names.join("\n")}\n` });
  const compiled = await tree.goetia("compile");
  if (compiled.code !== 0) throw new Error(compiled.out);
  return tree;
}

/** One `goetia start all` then `goetia stop all`: the start's ms. */
async function startOnce(tree: HostTree): Promise<number> {
  const started = performance.now();
  const run = await tree.goetia("start", "all");
  const ms = performance.now() - started;
  if (run.code !== 0) throw new Error(run.out);
  const stop = await tree.goetia("stop", "all");
  if (stop.code !== 0) throw new Error(stop.out);
  return ms;
}

const trees = new Map<Variant, HostTree>();
for (const [variant, files] of Object.entries(VARIANTS)) trees.set(variant as Variant, await treeOf(files));
const times = new Map<Variant, number[]>([...trees.keys()].map((variant) => [variant, []]));
try {
  for (const tree of trees.values()) await startOnce(tree); // a first start installs the live database
  for (let round = 0; round < ROUNDS; round++) for (const [variant, tree] of trees) times.get(variant)!.push(await startOnce(tree));
} finally {
  for (const tree of trees.values()) await tree.stop();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const base = median(times.get("up at spawn (stay-up 0)")!);
const rows = [...times].map(([variant, ms]) => `| ${variant} | ${median(ms).toFixed(0)} | ${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)} | +${(median(ms) - base).toFixed(0)} |`);
for (const row of rows) console.log(row);
writeResults(
  "Stay-up and health checks: their cost to a bring-up",
  `\`goetia start\` of ${COUNT} longruns without readiness, no dependencies, on the host; the variants timed in turn, ${ROUNDS} rounds, medians.\n\n` +
    "| variant | goetia start (ms) | spread (ms) | against up at spawn (ms) |\n| --- | ---: | ---: | ---: |\n" +
    rows.join("\n"),
);
