// Benchmark: goetia's ordered change against s6's unordered bring-up.
//
// For N = 10, 100, 1000 longruns in a layered dependency graph, on the host
// with a real s6-svscan: time `goetia start` and `goetia stop` of a bundle of
// them all, and, on a second s6-svscan, the baseline: the same service
// directories linked into the scandir, `s6-svscanctl -a`, and one
// `s6-svwait -u` on all of them, with no ordering. Writes bench/RESULTS.md.
import { cpSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { pollUntil } from "../src/lib/poll.ts";
import { isSupervised } from "../src/s6/supervise.ts";
import { HostTree } from "../test/helpers/host-tree.ts";
import { writeResults } from "./results.ts";

const SIZES = (process.env.BENCH_SIZES ?? "10,100,1000").split(",").map(Number);
const LAYERS = 10;
const RUN = "#!/bin/sh\nexec sleep infinity\n";

interface Row {
  n: number;
  compileMs: number;
  upMs: number;
  downMs: number;
  baselineUpMs: number;
}

/** N longruns in LAYERS layers; each depends on two services of the layer below. No loggers (no-log): the baseline has none. */
function layeredTree(tree: HostTree, n: number): string[] {
  const perLayer = Math.max(1, Math.ceil(n / LAYERS));
  const names = Array.from({ length: n }, (_, i) => `svc${i}`);
  names.forEach((name, i) => {
    const layer = Math.floor(i / perLayer);
    const below = names.slice((layer - 1) * perLayer, layer * perLayer);
    const deps = layer === 0 ? [] : [below[i % below.length], below[(i + 1) % below.length]];
    tree.service(name, { type: "longrun\n", run: RUN, "no-log": "", ...(deps.length ? { dependencies: `${[...new Set(deps)].join("\n")}\n` } : {}) });
  });
  tree.service("all", { type: "bundle\n", contents: `${names.join("\n")}\n` });
  return names;
}

async function timed(what: string, action: () => Promise<{ code: number; out: string }>): Promise<number> {
  const start = performance.now();
  const run = await action();
  const ms = performance.now() - start;
  if (run.code !== 0) throw new Error(`${what} failed (${run.code}):\n${run.out}`);
  return ms;
}

async function measure(n: number): Promise<Row> {
  const tree = await new HostTree().start(n + 100);
  try {
    const names = layeredTree(tree, n);
    const compileMs = await timed("compile", () => tree.goetia("compile"));
    await tree.goetia("list"); // installs the live database, as boot does
    const upMs = await timed("goetia start", () => tree.goetia("start", "all"));
    const downMs = await timed("goetia stop", () => tree.goetia("stop", "all"));

    // The baseline, on its own s6-svscan, with the same compiled service directories.
    const baseline = await new HostTree().start(n + 100);
    try {
      const compiled = join(tree.conf, "compiled", "servicedirs");
      const dirs = readdirSync(compiled).map((name) => {
        const dir = join(baseline.dir, "sv", name);
        cpSync(join(compiled, name), dir, { recursive: true });
        return dir;
      });
      const baselineUpMs = await timed("baseline", async () => {
        for (const dir of dirs) symlinkSync(dir, join(baseline.scandir, dir.split("/").pop()!));
        const scan = Bun.spawnSync(["s6-svscanctl", "-a", baseline.scandir]);
        if (scan.exitCode !== 0) return { code: scan.exitCode, out: scan.stderr.toString() };
        // s6-svwait needs the supervisors there first.
        await pollUntil(() => dirs.every(isSupervised), 60_000, 2);
        const wait = Bun.spawnSync(["s6-svwait", "-u", "-t", "120000", ...dirs]);
        return { code: wait.exitCode, out: wait.stderr.toString() };
      });
      if (names.length !== dirs.length) throw new Error("the baseline does not have the same services");
      return { n, compileMs, upMs, downMs, baselineUpMs };
    } finally {
      await baseline.stop();
    }
  } finally {
    await tree.stop();
  }
}

const rows: Row[] = [];
for (const n of SIZES) {
  const row = await measure(n);
  rows.push(row);
  console.log(
    `N=${n}: compile ${row.compileMs.toFixed(0)} ms, goetia up ${row.upMs.toFixed(0)} ms, down ${row.downMs.toFixed(0)} ms, ` +
      `baseline up ${row.baselineUpMs.toFixed(0)} ms, ratio ${(row.upMs / row.baselineUpMs).toFixed(2)}`,
  );
}

const table = [
  "| N | goetia compile (ms) | goetia up (ms) | goetia down (ms) | baseline up (ms) | up ratio | goetia up per service (ms) |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map(
    (r) =>
      `| ${r.n} | ${r.compileMs.toFixed(0)} | ${r.upMs.toFixed(0)} | ${r.downMs.toFixed(0)} | ${r.baselineUpMs.toFixed(0)} | ${(r.upMs / r.baselineUpMs).toFixed(2)} | ${(r.upMs / r.n).toFixed(2)} |`,
  ),
].join("\n");
writeResults(
  "Service manager: ordered change against unordered s6",
  `${LAYERS} layers, each longrun depending on two of the layer below; run = \`exec sleep infinity\`. ` +
    "goetia times are whole \`goetia start all\` / \`goetia stop all\` commands (process start included); " +
    "the baseline links the same compiled service directories, runs \`s6-svscanctl -a\` and one \`s6-svwait -u\` on all.\n\n" +
    table,
);
