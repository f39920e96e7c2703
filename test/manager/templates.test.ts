// A template's instances on a real s6 tree: each runs the template's run
// script told its own INSTANCE, with a log of its own.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pollUntil } from "../../src/lib/poll.ts";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
});
afterEach(() => tree.stop());

test("two instances of one template run side by side, each told its instance, each logged apart", async () => {
  tree.service("greeter@", {
    type: "longrun\n",
    run: `#!/bin/sh\necho "$INSTANCE greeted $(date +%s%N)" >> ${tree.events}\necho "hello from $INSTANCE"\nexec sleep 100\n`,
  });
  tree.service("greetings", { type: "bundle\n", contents: "greeter@world\ngreeter@moon\n" });
  const run = await tree.goetia("start", "greetings");
  expect(run.code).toBe(0);
  expect(await pollUntil(() => tree.happened("world", "greeted") && tree.happened("moon", "greeted"), 10_000)).toBe(true);
  const logOf = (name: string) => join(tree.dir, "log", name, "current");
  expect(await pollUntil(() => existsSync(logOf("greeter@moon")) && readFileSync(logOf("greeter@moon"), "utf8").includes("hello from moon"), 10_000)).toBe(true);
  expect(readFileSync(logOf("greeter@world"), "utf8")).not.toContain("moon");
  const rows = await tree.statusRows();
  expect(rows.filter((row) => row.name.startsWith("greeter@")).map((row) => `${row.name} ${row.state}`).sort()).toEqual([
    "greeter@moon up",
    "greeter@moon-log up",
    "greeter@world up",
    "greeter@world-log up",
  ]);
  // An instance nothing names is not compiled: it does not exist until a bundle or a dependency names it.
  const unnamed = await tree.goetia("start", "greeter@mars");
  expect(unnamed.code).toBe(100);
  expect(unnamed.out).toContain("greeter@mars");
});
