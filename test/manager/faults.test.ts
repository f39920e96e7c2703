// Faults in the middle of a change, on a real tree: goetia killed with
// SIGKILL at random moments (seeded), and a run directory that fills up.
// Afterwards `goetia status` tells the truth, the next change repairs what
// was left, and no oneshot's up runs twice.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(300_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
});
afterEach(async () => {
  Bun.spawnSync(["umount", "-l", join(tree.run, "goetia")]);
  await tree.stop();
});

function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Row = { name: string; state: string; detail: string };
const statusRows = async (): Promise<Row[]> => JSON.parse((await tree.goetia("status", "--json")).stdout);
const count = (name: string, event: string) => tree.eventLog().filter((e) => e.name === name && e.event === event).length;

test("SIGKILL at random moments of twenty changes: status never claims a dead transition, the next change repairs, no up runs twice", async () => {
  const next = random(42);
  // Four chains of five oneshots, each step a little slow, and a daemon at the root of each.
  const names: string[] = [];
  for (let chain = 0; chain < 4; chain++) {
    tree.service(`d${chain}`, { type: "longrun\n", run: "#!/bin/sh\nexec sleep 1000\n" });
    for (let step = 0; step < 5; step++) {
      const name = `c${chain}-${step}`;
      names.push(name);
      tree.oneshot(name, { deps: [step === 0 ? `d${chain}` : `c${chain}-${step - 1}`], seconds: 0.05 + next() * 0.1 });
    }
  }
  tree.service("all", { type: "bundle\n", contents: `${names.filter((n) => n.endsWith("-4")).join("\n")}\n` });

  const interrupted: string[] = [];
  for (let round = 0; round < 10; round++) {
    for (const [verb, ...targets] of [["start", "all"], ["stop", "d0", "d1", "d2", "d3"]]) {
      const victim = tree.spawn(verb, ...targets);
      await Bun.sleep(50 + next() * 600);
      victim.kill("SIGKILL");
      await victim.exited;
      const rows = await statusRows();
      // Nobody is changing the tree now: no row may claim a transition in progress.
      expect(rows.filter((row) => row.state === "starting" || row.state === "stopping")).toEqual([]);
      interrupted.push(...rows.filter((row) => row.state === "interrupted").map((row) => row.name));
      const repair = await tree.goetia(verb, ...targets);
      expect(`${verb} after kill: ${repair.code}`).toBe(`${verb} after kill: 0`);
      const want = verb === "start" ? "up" : "down";
      for (const row of await statusRows()) expect(`${row.name} ${row.state}`).toBe(`${row.name} ${want}`);
      // Every oneshot went up exactly as often as it went down, give or take the one in progress.
      for (const name of names) {
        const ups = count(name, "up-start");
        const downs = count(name, "down-start");
        expect(`${name}: ${ups - downs}`).toBe(`${name}: ${verb === "start" ? 1 : 0}`);
        expect(count(name, "up-end")).toBe(ups);
      }
    }
  }
  // The faults did land in the middle of transitions.
  expect(interrupted.length).toBeGreaterThan(0);
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
  for (const row of await statusRows()) expect(["up", "down", "failed", "interrupted"]).toContain(row.state);
  // Room again: the next change brings everything up, and what already ran does not run again.
  for (let i = 0; i < filler; i++) Bun.spawnSync(["rm", join(own, `filler-${i}`)]);
  expect((await tree.goetia("start", "all")).code).toBe(0);
  for (let i = 0; i < 10; i++) expect(count(`s${i}`, "up-start")).toBe(1);
});
