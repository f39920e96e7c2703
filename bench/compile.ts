// Benchmark: compiling sources, with the built binary, as a person runs it.
// A 50-service tree (a chain of alternating longruns and oneshots): best of
// 9 `goetia compile`; beside it, s6-rc's own s6-rc-compile on the same source
// folder when S6RC_COMPILE names one (s6-rc is not in Debian: build it from
// skarnet's sources yourself to compare; the figure below is kept
// otherwise), and the floors: `goetia --version` and an empty Bun
// executable. Then a chain of 5,000: compile and plan. Then the systemd
// units the Debian test machine enables (its root, build/debian/root.tar),
// against a chain of as many goetia sources. Writes bench/RESULTS.md.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../test/helpers/guest.ts";
import { HostTree } from "../test/helpers/host-tree.ts";
import { writeResults } from "./results.ts";

const GOETIA = join(ROOT, "build/goetia");
/** s6-rc-compile 0.5.4.1 on this tree, best of 9, when it was last at hand (2026-11-25). */
const S6RC_COMPILE_MS_SEEN = 4;

function chain(tree: HostTree, n: number): void {
  for (let i = 0; i < n; i++) {
    const deps: Record<string, string> = i > 0 ? { dependencies: `s${i - 1}\n` } : {};
    if (i % 2) tree.service(`s${i}`, { type: "longrun\n", run: "#!/bin/sh\nexec sleep 100\n", "no-log": "", ...deps });
    else tree.service(`s${i}`, { type: "oneshot\n", up: "true\n", ...deps });
  }
}

/** The best of runs timings of command, in ms; it must exit 0. */
function best(command: string[], env: Record<string, string>, runs = 9, before?: () => void): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    before?.();
    const start = performance.now();
    const run = Bun.spawnSync(command, { env, stdout: "ignore", stderr: "pipe" });
    const ms = performance.now() - start;
    if (run.exitCode !== 0) throw new Error(`${command.join(" ")} failed: ${run.stderr}`);
    fastest = Math.min(fastest, ms);
  }
  return fastest;
}

const small = new HostTree();
const rows: string[] = [];
try {
  chain(small, 50);
  const env = small.env;
  const goetiaMs = best([GOETIA, "compile"], env);
  const s6rc = process.env.S6RC_COMPILE;
  const out = join(small.dir, "s6rc-db");
  const s6rcMs = s6rc ? best([s6rc, out, join(small.conf, "src/test")], env, 9, () => rmSync(out, { recursive: true, force: true })) : S6RC_COMPILE_MS_SEEN;
  const versionMs = best([GOETIA, "--version"], env);
  const empty = mkdtempSync(join(small.dir, "empty-"));
  writeFileSync(join(empty, "empty.ts"), "");
  Bun.spawnSync([process.execPath, "build", "--compile", join(empty, "empty.ts"), "--outfile", join(empty, "empty")], { stdout: "ignore", stderr: "ignore" });
  const emptyMs = best([join(empty, "empty")], env);
  rows.push(
    `| goetia compile, 50 services | ${goetiaMs.toFixed(1)} |`,
    `| s6-rc-compile, the same tree${s6rc ? "" : " (seen 2026-11-25; set S6RC_COMPILE to measure)"} | ${s6rcMs.toFixed(1)} |`,
    `| ratio | ${(goetiaMs / s6rcMs).toFixed(1)} |`,
    `| goetia --version (start of the binary, no work) | ${versionMs.toFixed(1)} |`,
    `| an empty Bun executable | ${emptyMs.toFixed(1)} |`,
  );
} finally {
  await small.stop();
}

const large = new HostTree();
try {
  chain(large, 5000);
  const env = large.env;
  rows.push(`| goetia compile, a chain of 5,000 | ${best([GOETIA, "compile"], env, 3).toFixed(0)} |`);
  rows.push(`| goetia change -n s4999 (the whole chain planned, 5,000 steps) | ${best([GOETIA, "change", "-n", "s4999"], env, 3).toFixed(0)} |`);
} finally {
  await large.stop();
}
// Debian's units: what the cached Debian root (build-debian.sh) enables, read and made services, against as many goetia sources.
const debian = new HostTree();
try {
  const root = join(debian.dir, "root");
  if (!existsSync(join(ROOT, "build/debian/root.tar"))) {
    const built = Bun.spawnSync(["scripts/build-debian.sh", "-s", "-o", join(debian.dir, "disk.img")], { cwd: ROOT, stdout: "ignore", stderr: "pipe" });
    if (built.exitCode !== 0) throw new Error(`build-debian.sh failed: ${built.stderr}`);
  }
  mkdirSync(root);
  Bun.spawnSync(["tar", "-C", root, "-xf", join(ROOT, "build/debian/root.tar"), "./etc/systemd", "./lib/systemd/system", "./usr/lib/systemd/system"], { stderr: "ignore" });
  const env = { ...debian.env, GOETIA_UNITDIRS: ["etc/systemd/system", "lib/systemd/system", "usr/lib/systemd/system"].map((dir) => join(root, dir)).join(":") };
  const report = JSON.parse(Bun.spawnSync([GOETIA, "units", "--json"], { env }).stdout.toString()) as { became: string }[];
  const made = report.filter(({ became }) => !became.startsWith("not made")).length;
  const unitsMs = best([GOETIA, "compile"], env);
  chain(debian, report.length);
  const sourcesMs = best([GOETIA, "compile"], { ...debian.env, GOETIA_UNITDIRS: "" });
  rows.push(
    `| goetia compile, Debian's enabled units (${report.length} met, ${made} made services) | ${unitsMs.toFixed(1)} |`,
    `| goetia compile, ${report.length} goetia sources | ${sourcesMs.toFixed(1)} |`,
    `| ratio | ${(unitsMs / sourcesMs).toFixed(2)} |`,
  );
} finally {
  await debian.stop();
}
for (const row of rows) console.log(row);

writeResults(
  "Compiling sources: goetia against s6-rc-compile",
  [
    "With the built binary (`build/goetia`, bytecode), best of 9 on a tmpfs; the 5,000 chain best of 3.",
    "",
    "| what | ms |",
    "| --- | ---: |",
    ...rows,
  ].join("\n"),
);
