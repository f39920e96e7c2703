// Many commands at once on one tree, against the rule that matters: a
// service is never up while a dependency is down (test/helpers/scenarios.ts
// says how it is watched). Seeded, so a failure replays; `make bench` runs
// the same scenarios for many more rounds.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { HostTree } from "../helpers/host-tree.ts";
import { concurrentCommands, overlappingChanges } from "../helpers/scenarios.ts";

setDefaultTimeout(240_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
});
afterEach(() => tree.stop());

test("twelve commands at once, ten rounds, sources edited between rounds: no service up while a dependency is down, nothing left behind", async () => {
  expect((await concurrentCommands(tree)).violations).toEqual([]);
});

test("thirty starts at once, then thirty stops, five rounds: never two transitions at the same time", async () => {
  expect((await overlappingChanges(tree)).violations).toEqual([]);
});
