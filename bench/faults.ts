// Benchmark: the concurrency and fault scenarios of the tests
// (test/helpers/scenarios.ts), run for many more rounds with other seeds,
// each on a fresh tree, and counted; and the graph's cost at scale (a chain
// of 100,000 services, compiled and planned). Writes bench/RESULTS.md.
import { buildGraph } from "../src/manager/compile/check.ts";
import { planChange, waves } from "../src/manager/run/plan.ts";
import type { Service } from "../src/service.ts";
import { HostTree } from "../test/helpers/host-tree.ts";
import { concurrentCommands, killedChanges, overlappingChanges, type ScenarioResult } from "../test/helpers/scenarios.ts";
import { writeResults } from "./results.ts";

const SEEDS = (process.env.BENCH_SEEDS ?? "1,2,3").split(",").map(Number);

async function onFreshTree(run: (tree: HostTree) => Promise<ScenarioResult>): Promise<ScenarioResult> {
  const tree = await new HostTree().start();
  try {
    return await run(tree);
  } finally {
    await tree.stop();
  }
}

const scenarios: [string, (seed: number) => (tree: HostTree) => Promise<ScenarioResult>][] = [
  ["12 mixed commands at once, sources edited between rounds (20 rounds)", (seed) => (tree) => concurrentCommands(tree, { rounds: 20, seed })],
  ["30 single-service changes at once, up then down (10 rounds)", () => (tree) => overlappingChanges(tree, { rounds: 10 })],
  ["a change SIGKILLed at a random moment, then repaired (15 rounds of start and stop)", (seed) => (tree) => killedChanges(tree, { rounds: 15, seed })],
];

const rows: string[] = [];
for (const [title, make] of scenarios) {
  let runs = 0;
  const violations: string[] = [];
  const notes: Record<string, number> = {};
  for (const seed of SEEDS) {
    const result = await onFreshTree(make(seed));
    runs += result.runs;
    violations.push(...result.violations);
    for (const [key, value] of Object.entries(result.notes)) notes[key] = (notes[key] ?? 0) + value;
  }
  const extra = Object.entries(notes).map(([key, value]) => `${value} ${key}`).join(", ");
  rows.push(`| ${title} | ${SEEDS.length} | ${runs} | ${violations.length} | ${extra} |`);
  for (const violation of violations.slice(0, 5)) console.error(`${title}: ${violation}`);
  console.log(rows.at(-1));
}

function chain(n: number): Map<string, Service> {
  const services = new Map<string, Service>();
  for (let i = 0; i < n; i++) {
    const name = `s${i}`;
    services.set(name, { name, type: "oneshot", dir: `/src/${name}`, contents: [], dependencies: i > 0 ? [`s${i - 1}`] : [], timeoutUp: 0, timeoutDown: 0, essential: false, consumerFor: [], up: "true" });
  }
  return services;
}

const scale: string[] = [];
for (const n of [10_000, 100_000]) {
  const services = chain(n);
  const heapBefore = process.memoryUsage().heapUsed;
  let start = performance.now();
  const graph = buildGraph({ services, broken: new Set(), problems: [] });
  const checkMs = performance.now() - start;
  start = performance.now();
  const plan = planChange(graph, () => "down", "up", [`s${n - 1}`]);
  const steps = waves(graph, "up", plan).length;
  const planMs = performance.now() - start;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  scale.push(`| ${n} | ${checkMs.toFixed(0)} | ${planMs.toFixed(0)} | ${steps} | ${heapMb.toFixed(0)} |`);
  console.log(scale.at(-1));
}

writeResults(
  "Concurrency and faults: the rules under load",
  [
    `Each scenario on a fresh host tree with a real s6-svscan, seeds ${SEEDS.join(", ")} (\`make bench\`; the tests run the same scenarios for fewer rounds). A violation is any of: a service up while a dependency is down (checked by the services' own scripts as they run), two changes at once, a command that did not exit 0, \`goetia status\` claiming a transition nobody makes or disagreeing with what ran, a oneshot's up run twice, a temporary file left behind.`,
    "",
    "| scenario | seeds | commands | violations | |",
    "| --- | ---: | ---: | ---: | --- |",
    ...rows,
    "",
    "The graph at scale: a chain of N oneshots, each depending on the one before, checked (`buildGraph`: bundles, cycles, missing links) and planned (closure and waves) in-process. Linear: ten times the services, about ten times the time.",
    "",
    "| N | check (ms) | plan and waves (ms) | waves | heap grown (MB) |",
    "| ---: | ---: | ---: | ---: | ---: |",
    ...scale,
  ].join("\n"),
);
