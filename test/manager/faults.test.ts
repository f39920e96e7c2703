// Faults in the middle of a change, on a real tree: goetia killed with
// SIGKILL at random moments (seeded), and a run directory that fills up.
// Afterwards `goetia status` tells the truth, the next change repairs what
// was left, and no oneshot's up runs twice.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HostTree } from "../helpers/host-tree.ts";
import { killedChanges } from "../helpers/scenarios.ts";

setDefaultTimeout(300_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
});
afterEach(async () => {
  Bun.spawnSync(["umount", "-l", join(tree.run, "goetia")]);
  await tree.stop();
});

test("SIGKILL at random moments of twenty changes: status never claims a dead transition, the next change repairs, no up runs twice", async () => {
  const result = await killedChanges(tree);
  expect(result.violations).toEqual([]);
  // The faults did land in the middle of transitions.
  expect(result.notes["transitions found interrupted"]).toBeGreaterThan(0);
});

test("killed between a oneshot's stopping record and its down script's start: the oneshot is still up, and the next stop runs its down once", async () => {
  tree.oneshot("mounted", { seconds: 0 });
  expect((await tree.goetia("start", "mounted")).code).toBe(0);
  // What a SIGKILL in that window leaves: the record says stopping, the exit file is empty, no script runs.
  const state = join(tree.run, "goetia", "state");
  writeFileSync(join(state, "mounted.json"), JSON.stringify({ phase: "stopping", since: Date.now() }));
  writeFileSync(join(state, "mounted.exit"), "");
  writeFileSync(join(tree.run, "goetia", "lock"), "4194304\nstop mounted\n"); // a holder's name, left by one that died
  expect((await tree.statusRows()).find((row) => row.name === "mounted")?.state).toBe("interrupted");

  expect((await tree.goetia("stop", "mounted")).code).toBe(0);
  expect((await tree.statusRows()).find((row) => row.name === "mounted")?.state).toBe("down");
  expect(tree.count("mounted", "down-start")).toBe(1);
});

test("a run directory that fills up: the failure names the file, nothing half-written is left, and the tree recovers", async () => {
  for (let i = 0; i < 10; i++) tree.oneshot(`s${i}`, { seconds: 0 });
  tree.service("all", { type: "bundle\n", contents: `${Array.from({ length: 10 }, (_, i) => `s${i}`).join("\n")}\n` });
  // goetia's own run data on a tmpfs of its own, with room for the live database and the first records only.
  const own = join(tree.run, "goetia");
  mkdirSync(own, { recursive: true });
  expect(Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=1m,nr_inodes=64", "tmpfs", own]).exitCode).toBe(0);
  expect((await tree.goetia("start", "s0")).code).toBe(0);
  const used = Number(Bun.spawnSync(["df", "--output=iused", own]).stdout.toString().split("\n")[1]);
  let filler = 0;
  for (; filler < 64 - used - 4; filler++) writeFileSync(join(own, `filler-${filler}`), "");

  const run = await tree.goetia("start", "all");
  expect(run.code).toBe(1);
  expect(run.out).toMatch(/ENOSPC: no space left on device, open '[^']+\/state\/s\d\.json\.new'/);
  expect(readdirSync(join(own, "state")).filter((file) => file.endsWith(".new"))).toEqual([]);
  // Those whose outcome could not be recorded show as interrupted: nobody is bringing them up.
  for (const row of await tree.statusRows()) expect(["up", "down", "failed", "interrupted"]).toContain(row.state);
  // Room again: the next change brings everything up, and what already ran does not run again.
  for (let i = 0; i < filler; i++) Bun.spawnSync(["rm", join(own, `filler-${i}`)]);
  expect((await tree.goetia("start", "all")).code).toBe(0);
  for (let i = 0; i < 10; i++) expect(tree.count(`s${i}`, "up-start")).toBe(1);
});

test("a run directory out of blocks, not inodes: the change is refused, naming the file it could not write", async () => {
  tree.oneshot("s0", { seconds: 0 });
  const own = join(tree.run, "goetia");
  mkdirSync(own, { recursive: true });
  expect(Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", own]).exitCode).toBe(0);
  expect((await tree.goetia("status")).code).toBe(0);
  Bun.spawnSync(["dd", "if=/dev/zero", `of=${join(own, "filler")}`, "bs=4k"]); // until the file system is full
  const run = await tree.goetia("start", "s0");
  expect(run.code).toBe(111);
  expect(run.out).toContain(`ENOSPC: no space left on device, write '${own}/lock'`);
  expect(tree.count("s0", "up-start")).toBe(0);
});
