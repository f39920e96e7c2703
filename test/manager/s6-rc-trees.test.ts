// Trees in the shapes people publish load as s6-rc-compile loads them: the
// same services and bundles, each with the same closure, as s6-rc 0.5.4.1
// recorded them (fixtures/s6-rc/record.ts), goetia's own loggers apart; a
// tree s6-rc refuses is refused for its reason, the rest still loading.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, cpSync, statSync } from "node:fs";
import { join } from "node:path";
import { systemTree } from "../../src/lib/tree.ts";
import { compile } from "../../src/manager/compile/compile.ts";
import { closure, resolveNames } from "../../src/manager/graph.ts";
import { graphOf } from "../../src/manager/database.ts";
import { describeProblem } from "../../src/service.ts";
import recorded from "../fixtures/s6-rc/s6-rc-0.5.4.1.json";
import { S6_RC_TREES } from "../fixtures/s6-rc/trees.ts";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(30_000);

const FIXTURES = join(import.meta.dir, "../fixtures/s6-rc");
const trees: HostTree[] = [];
afterEach(async () => {
  for (const tree of trees.splice(0)) await tree.stop();
});

/** The tree's source folders compiled by goetia, each a category of its own. */
function compiled(name: string) {
  const tree = new HostTree();
  trees.push(tree);
  S6_RC_TREES[name].forEach((source, i) => cpSync(join(FIXTURES, source), join(tree.conf, "src", String(i)), { recursive: true }));
  return { tree, db: compile(systemTree(tree.env)) };
}

test("the fixtures are what they claim: run files without their execute bit, interpreters this machine lacks", () => {
  expect(statSync(join(FIXTURES, "container/image/svc-app/run")).mode & 0o111).toBe(0);
  expect(statSync(join(FIXTURES, "distribution/base/udevd/run")).mode & 0o111).toBe(0);
  for (const interpreter of ["/usr/bin/with-contenv", "/command/execlineb", "@SHEBANGDIR@/execlineb"]) expect(Bun.file(interpreter).size).toBe(0);
});

for (const [name, answer] of Object.entries(recorded).filter(([, answer]) => answer.exit === 0)) {
  test(`${name}: every service and bundle, with s6-rc's closure`, () => {
    const { db } = compiled(name);
    expect(db.problems.map(describeProblem)).toEqual([]);
    const graph = graphOf(db);
    const ours = (service: string) => db.services[service]?.made?.from !== "logger";
    const names = [...graph.atoms.keys(), ...graph.bundles.keys()].filter(ours).sort();
    expect(names).toEqual(Object.keys(answer.closures));
    for (const [service, expected] of Object.entries(answer.closures)) {
      expect([service, [...closure(resolveNames(graph, [service]), graph.dependencies)].filter(ours).sort()]).toEqual([service, expected]);
    }
  });
}

test("refused: what s6-rc refuses whole is the one service left out, for s6-rc's reason", () => {
  expect(recorded.refused.error).toContain("zram: undefined service name mount-devfs");
  const { tree, db } = compiled("refused");
  expect(db.problems.map(describeProblem)).toEqual([`service zram: ${join(tree.conf, "src/0/zram/dependencies.d/mount-devfs")}: depends on mount-devfs, which does not exist`]);
  expect(Object.keys(db.services)).toEqual([]);
});

test("a run file without its execute bit runs, copied 0755 as s6-rc-compile copies it; an interpreter the machine lacks fails at start, saying so", async () => {
  const tree = new HostTree();
  trees.push(tree);
  tree.service("daemon", { type: "longrun\n", run: "#!/bin/sh\nexec sleep 100\n" });
  tree.service("placeholder", { type: "longrun\n", run: "#!@SHEBANGDIR@/execlineb -P\nsleep 100\n", "notification-fd": "3\n" });
  chmodSync(join(tree.conf, "src/test/daemon/run"), 0o644);
  await tree.start();
  const up = await tree.goetia("start", "daemon");
  expect(up.out).toContain("up daemon");
  expect(up.code).toBe(0);
  const failed = await tree.goetia("start", "placeholder");
  expect(failed.code).toBe(1);
  expect(failed.out).toContain("failed placeholder: s6-supervise cannot run its run script");
});
