// Live update: sources edited on a running tree, then one command makes the
// tree match them.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
});
afterEach(() => tree.stop());

const daemon = (version: string) => `#!/bin/sh\necho ${version} > $(dirname $0)/../../../version\nexec sleep 1002\n`;

async function pids(): Promise<Record<string, number | null>> {
  const rows = JSON.parse((await tree.goetia("status", "--json")).out) as { name: string; pid: number | null }[];
  return Object.fromEntries(rows.map((row) => [row.name, row.pid]));
}

test("update restarts what changed with its dependents, stops what was removed, and adds what is new", async () => {
  tree.service("daemon", { type: "longrun\n", run: daemon("v1") });
  tree.service("gone", { type: "longrun\n", run: "#!/bin/sh\nexec sleep 1003\n" });
  tree.service("steady", { type: "longrun\n", run: "#!/bin/sh\nexec sleep 1004\n" });
  tree.oneshot("user", { deps: ["daemon"] });
  expect((await tree.goetia("start", "user", "gone", "steady")).code).toBe(0);
  const before = await pids();
  expect(await Bun.file(join(tree.run, "version")).text()).toBe("v1\n");

  tree.service("daemon", { run: daemon("v2") });
  rmSync(join(tree.conf, "src/test/gone"), { recursive: true });
  tree.oneshot("fresh");
  const hint = await tree.goetia("status");
  expect(hint.out).toContain("the sources have changed since they were applied: `goetia update` applies them");

  const run = await tree.goetia("update");
  expect(run.code).toBe(0);
  // gone's logger goes with it, after it.
  expect(run.out).toContain("update: 1 new, 1 changed, 2 removed");
  expect(run.out.indexOf("down gone (")).toBeLessThan(run.out.indexOf("stopping gone-log"));
  expect(run.out).toContain("update: applied");

  const after = await pids();
  expect(await Bun.file(join(tree.run, "version")).text()).toBe("v2\n");
  expect(after.daemon).not.toBe(before.daemon);
  expect(after.steady).toBe(before.steady);
  expect("gone" in after).toBe(false);
  expect(() => process.kill(before.gone!, 0)).toThrow();
  // user depends on daemon: it went down before daemon and came back after.
  expect(tree.when("user", "down-end")).toBeLessThan(tree.eventLog().filter((e) => e.name === "user" && e.event === "up-start")[1].ns);
  expect((await tree.goetia("start", "fresh")).code).toBe(0);
  expect((await tree.goetia("status")).out).not.toContain("have changed");
});

test("a change names the services it acts on whose sources were edited since they were applied, and only those", async () => {
  tree.oneshot("edited");
  tree.oneshot("untouched");
  expect((await tree.goetia("start", "edited", "untouched")).code).toBe(0);
  tree.service("edited", { up: "true\n" });
  tree.oneshot("unrelated-new");
  const run = await tree.goetia("stop", "edited", "untouched");
  expect(run.code).toBe(0);
  expect(run.out).toContain("the sources of edited have changed since they were applied: `goetia update` applies them");
  expect(run.out).not.toContain("untouched have changed");
});

test("a removed oneshot whose down fails (its package took the program away) is removed all the same; a changed one that cannot stop keeps the old definitions", async () => {
  tree.service("swap", { type: "oneshot\n", up: "true\n", down: "/nonexistent/zramswap stop\n" });
  tree.service("kept", { type: "oneshot\n", up: "true\n", down: "false\n" });
  expect((await tree.goetia("start", "swap", "kept")).code).toBe(0);
  rmSync(join(tree.conf, "src/test/swap"), { recursive: true });
  const removed = await tree.goetia("update");
  expect(removed.out).toContain("update: swap did not stop cleanly; it is removed all the same");
  expect(removed.code).toBe(0);
  expect("swap" in (await pids())).toBe(false);

  tree.service("kept", { up: "echo changed\n" });
  const changed = await tree.goetia("update");
  expect(changed.out).toContain("update: could not stop kept; the old definitions stay live");
  expect(changed.code).toBe(1);
});
