// goetia why and goetia analyze on a real tree: a service skipped two
// levels above a failing oneshot is traced down to it, with its log; the
// slowest first; the chain that decided when a bundle was up.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
});
afterEach(() => tree.stop());

test("why names the root cause of a service skipped two levels above a failing oneshot", async () => {
  tree.oneshot("broken", { exit: 3 });
  tree.oneshot("middle", { deps: ["broken"] });
  tree.oneshot("top", { deps: ["middle"] });
  tree.oneshot("elsewhere");
  tree.service("all", { type: "bundle\n", contents: "top\n" });
  expect((await tree.goetia("start", "all")).code).toBe(1);
  const why = await tree.goetia("why", "top");
  expect(why.code).toBe(0);
  const lines = why.stdout.trim().split("\n");
  expect(lines[0]).toMatch(/^top did not start: its dependency middle failed since /);
  expect(lines[1]).toMatch(/^middle did not start: its dependency broken failed since /);
  expect(lines[2]).toMatch(/^broken failed since .*: up script exited 3$/);
  const json = JSON.parse((await tree.goetia("why", "top", "--json")).stdout);
  expect(json.cause).toBe("broken");
  // Never brought up: not in the bundle the boot brought up (default: there is none here).
  expect((await tree.goetia("why", "elsewhere")).stdout).toContain("elsewhere is down: the boot did not bring it up");
  // Stopped: by whom, as the boot record says.
  expect((await tree.goetia("start", "elsewhere")).code).toBe(0);
  expect((await tree.goetia("stop", "elsewhere")).code).toBe(0);
  expect((await tree.goetia("why", "elsewhere")).stdout).toMatch(/^elsewhere is down since .*: it was stopped by goetia stop elsewhere \(pid \d+, uid \d+\)$/m);
  expect((await tree.goetia("why", "ghost")).code).toBe(100);
});

test("why says a daemon that keeps dying is restarting, how it last ended and how many deaths s6 keeps on record", async () => {
  tree.service("crashy", { type: "longrun\n", "stay-up": "0\n", run: "#!/bin/sh\nexit 7\n" });
  expect((await tree.goetia("start", "crashy")).code).toBe(0);
  // s6-supervise waits a second between two starts.
  const restarting = /^crashy is restarting since .*: exited 7, ([2-9]|\d\d) deaths on record$/m;
  let why = "";
  for (let tries = 0; tries < 50 && !restarting.test(why); tries++) {
    await Bun.sleep(200);
    why = (await tree.goetia("why", "crashy")).stdout;
  }
  expect(why).toMatch(restarting);
});

test("blame puts the slowest first; critical-chain follows what was done last down to what needed nothing", async () => {
  tree.oneshot("base", { seconds: 0.2 });
  tree.oneshot("quick", { deps: ["base"], seconds: 0 });
  tree.oneshot("slow", { deps: ["base"], seconds: 0.6 });
  tree.oneshot("last", { deps: ["quick", "slow"], seconds: 0.1 });
  tree.service("all", { type: "bundle\n", contents: "last\n" });
  expect((await tree.goetia("start", "all")).code).toBe(0);
  const blamed = JSON.parse((await tree.goetia("analyze", "blame", "--json")).stdout) as { name: string }[];
  expect(blamed.map((t) => t.name)[0]).toBe("slow");
  const chain = JSON.parse((await tree.goetia("analyze", "critical-chain", "all", "--json")).stdout) as { chain: { name: string; startMs: number; endMs: number }[] };
  expect(chain.chain.map((t) => t.name)).toEqual(["last", "slow", "base"]);
  for (let i = 1; i < chain.chain.length; i++) expect(chain.chain[i].endMs).toBeLessThanOrEqual(chain.chain[i - 1].startMs + 1);
  const text = (await tree.goetia("analyze", "critical-chain", "all")).stdout;
  expect(text).toMatch(/^all @\d+ ms\n└─last @\d+ ms \+\d+ ms\n  └─slow @\d+ ms \+\d+ ms\n    └─base @\d+ ms \+\d+ ms\n$/);
  // No boot here: the summary says so, and fails.
  const summary = await tree.goetia("analyze");
  expect(summary.code).toBe(1);
  expect(summary.out).toContain("the boot has not brought its bundle up yet");
});
