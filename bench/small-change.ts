// Benchmark: a small change on a warm tree, against s6-rc.
//
// A bundle of two services (a longrun, and a oneshot that needs it) beside
// N unrelated longruns, compiled, on the host with a real s6-svscan: time
// whole `goetia stop pair` and `goetia start pair` commands (the binary's
// start included), and `goetia status pair`. A command that changes two
// services must cost the same whatever N is. s6-rc is not in Debian: its
// `s6-rc -u change` of the same bundle was measured here at 13–16 ms.
import { join } from "node:path";
import { ROOT } from "../test/helpers/guest.ts";
import { HostTree } from "../test/helpers/host-tree.ts";
import { writeResults } from "./results.ts";

const SIZES = [10, 990];
const ROUNDS = 9;
const S6RC_MS = "13–16";
const RUN = "#!/bin/sh\nexec sleep infinity\n";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(n: number): Promise<{ n: number; up: number; down: number; status: number }> {
  const tree = new HostTree();
  for (let i = 0; i < n; i++) tree.service(`s${i}`, { type: "longrun\n", run: RUN, "no-log": "" });
  tree.service("daemon", { type: "longrun\n", run: RUN, "no-log": "" });
  tree.service("setup", { type: "oneshot\n", up: "true\n", dependencies: "daemon\n" });
  tree.service("pair", { type: "bundle\n", contents: "daemon\nsetup\n" });
  await tree.start(n + 100);
  const time = (...args: string[]) => {
    const started = performance.now();
    const { exitCode } = Bun.spawnSync([join(ROOT, "build", "goetia"), ...args], { env: tree.env });
    if (exitCode !== 0) throw new Error(`goetia ${args.join(" ")} exited ${exitCode}`);
    return performance.now() - started;
  };
  time("compile");
  time("start", "pair"); // the first one installs the live database
  const up: number[] = [];
  const down: number[] = [];
  const status: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    down.push(time("stop", "pair"));
    up.push(time("start", "pair"));
    status.push(time("status", "pair"));
  }
  await tree.stop();
  return { n, up: median(up), down: median(down), status: median(status) };
}

const rows = [];
for (const n of SIZES) rows.push(await measure(n));
writeResults(
  "A small change on a warm tree",
  [
    `Two services (a longrun, a oneshot needing it) beside N unrelated longruns; whole commands with build/goetia, medians of ${ROUNDS}. s6-rc 0.5.4.1's \`s6-rc -u change\` of the same bundle: ${S6RC_MS} ms (measured here earlier; s6-rc is not in Debian).`,
    "",
    "| N | goetia start pair (ms) | goetia stop pair (ms) | goetia status pair (ms) |",
    "| ---: | ---: | ---: | ---: |",
    ...rows.map(({ n, up, down, status }) => `| ${n} | ${up.toFixed(1)} | ${down.toFixed(1)} | ${status.toFixed(1)} |`),
    "",
    "A change reads the database (under a millisecond for 990 services) and its own services' sources and records only: it no longer walks every source nor reads every state record (the lock tells when the last change died mid-way). `status` looks at every service, and checks every source for edits.",
  ].join("\n"),
);
