// Loading and checking service sources: every mistake is named with its
// service, file and reason, broken services are left out, the rest loads.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readlinkSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/guest.ts";
import { HostTree } from "../helpers/host-tree.ts";

let tree: HostTree;
beforeEach(() => {
  tree = new HostTree();
});
afterEach(() => tree.stop());

const src = (name: string, file = "") => join(tree.conf, "src/test", name, file).replace(/\/$/, "");

describe("validation", () => {
  test("each kind of mistake is named, and good services still load", async () => {
    tree.oneshot("good");
    tree.service("weird", { type: "daemon\n" });
    tree.service("no-run", { type: "longrun\n" });
    tree.service("no-up", { type: "oneshot\n" });
    tree.service("no-type", { run: "#!/bin/sh\n" });
    tree.oneshot("needs-ghost", { deps: ["ghost"] });
    tree.oneshot("needs-broken", { deps: ["no-up"] });
    tree.oneshot("x", { deps: ["y"] });
    tree.oneshot("y", { deps: ["z"] });
    tree.oneshot("z", { deps: ["x"] });
    tree.oneshot("after-cycle", { deps: ["x"] });
    tree.service("b1", { type: "bundle\n", contents: "b2\ngood\n" });
    tree.service("b2", { type: "bundle\n", contents: "b1\n" });
    tree.service(".hidden", { type: "oneshot\n", up: "true\n" });
    tree.oneshot("s6rc-reserved");
    tree.service("bad-fd", { type: "longrun\n", run: "#!/bin/sh\n", "notification-fd": "1\n" });
    tree.service("two-readiness", { type: "longrun\n", run: "#!/bin/sh\n", "notification-fd": "3\n", "sd-notify": "" });
    tree.service("bad-timeout", { type: "oneshot\n", up: "true\n", "timeout-up": "soon\n" });
    tree.service("bad-nice", { type: "oneshot\n", up: "true\n", nice: "20\n" });

    const run = await tree.goetia("compile");
    expect(run.code).toBe(1);
    const expected = [
      `service weird: ${src("weird", "type")}: unknown type "daemon": expected longrun, oneshot or bundle`,
      `service no-run: ${src("no-run", "run")}: missing: a longrun needs a run file`,
      `service no-up: ${src("no-up", "up")}: missing: a oneshot needs an up file`,
      `service no-type: ${src("no-type", "type")}: missing: every service needs a type file`,
      `service needs-ghost: ${src("needs-ghost", "dependencies")}: depends on ghost, which does not exist`,
      `service needs-broken: ${src("needs-broken", "dependencies")}: depends on no-up, which is broken and left out`,
      `service x: ${src("x", "dependencies")}: dependency cycle: x -> y -> z -> x`,
      `service after-cycle: ${src("after-cycle", "dependencies")}: depends on x, which is broken and left out`,
      `service b1: ${src("b1", "contents")}: bundle cycle: b1 -> b2 -> b1`,
      `service s6rc-reserved: ${src("s6rc-reserved")}: bad service name: names starting with s6rc- or s6-svscan are reserved`,
      `service bad-fd: ${src("bad-fd", "notification-fd")}: must be 3 or more: 0, 1 and 2 are taken`,
      `service two-readiness: ${src("two-readiness", "sd-notify")}: and notification-fd both say how the daemon tells it is ready: keep one`,
      `service bad-timeout: ${src("bad-timeout", "timeout-up")}: "soon" is not a non-negative integer`,
      `service bad-nice: ${src("bad-nice", "nice")}: "20" is not a niceness from -20 to 19`,
    ];
    for (const line of expected) expect(run.out).toContain(`goetia: error: ${line}`);
    expect(run.out).toContain("compiled 1 services");

    await tree.start();
    const list = (await tree.goetia("list")).out;
    expect(list).toContain("good\toneshot");
    expect(list).not.toContain("hidden");
    expect((await tree.goetia("start", "good")).code).toBe(0);
  });
});

describe("compilation", () => {
  test("happens by itself when the sources change, and switches the link", async () => {
    tree.oneshot("one");
    await tree.start();
    expect((await tree.goetia("list")).out).toBe("one\toneshot\n");
    const first = readlinkSync(join(tree.conf, "compiled"));
    tree.oneshot("two");
    expect((await tree.goetia("compile")).code).toBe(0);
    const second = readlinkSync(join(tree.conf, "compiled"));
    expect(second).not.toBe(first);
    expect(existsSync(join(tree.conf, first))).toBe(false);
    tree.oneshot("three");
    // No compile step: the next command sees the change and compiles.
    await tree.goetia("status");
    expect(readlinkSync(join(tree.conf, "compiled"))).not.toBe(second);
  });

  test("the queries answer from the graph: dependencies, reverse, bundle contents", async () => {
    tree.oneshot("a");
    tree.oneshot("b", { deps: ["a"] });
    tree.oneshot("c", { deps: ["b"] });
    tree.service("top", { type: "bundle\n", contents: "inner\n" });
    tree.service("inner", { type: "bundle\n", contents: "c\na\n" });
    await tree.start();
    expect((await tree.goetia("deps", "c")).out).toBe("b\n");
    expect((await tree.goetia("deps", "-a", "c")).out).toBe("a\nb\n");
    expect((await tree.goetia("deps", "-r", "a")).out).toBe("b\n");
    expect((await tree.goetia("deps", "-r", "-a", "a")).out).toBe("b\nc\n");
    expect((await tree.goetia("list", "top")).out).toBe("a\nc\n");
  });
});

describe("unreadable sources", () => {
  test("a dangling link breaks its service and what needs it, not the compile", async () => {
    tree.oneshot("fine");
    tree.service("dangling", { type: "longrun\n", run: "#!/bin/sh\n", "data/.keep": "" });
    symlinkSync("../../.bin/config", join(tree.conf, "src/test/dangling/data/config"));
    tree.oneshot("needs-dangling", { deps: ["dangling"] });
    const run = await tree.goetia("compile");
    expect(run.code).toBe(1);
    expect(run.out).toContain(`service dangling: ${src("dangling")}: cannot be read: `);
    expect(run.out).toContain("service needs-dangling: ");
    expect(run.out).toContain("depends on dangling, which is broken and left out");
    await tree.start();
    expect((await tree.goetia("start", "fine")).code).toBe(0);
  });
});

describe("read-only users", () => {
  test("a user who cannot compile still gets the status, from the last database", async () => {
    tree.oneshot("one");
    await tree.start();
    expect((await tree.goetia("start", "one")).code).toBe(0);
    tree.oneshot("two"); // the sources change, but this user may not write the new database
    Bun.spawnSync(["chmod", "-R", "a+rX", tree.dir]);
    const run = Bun.spawnSync(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, join(ROOT, "src/main.ts"), "status", "--json"], {
      env: tree.env,
      stderr: "pipe",
    });
    expect(run.exitCode).toBe(0);
    expect(run.stderr.toString()).toContain("goetia: warning: cannot compile the sources (");
    expect(JSON.parse(run.stdout.toString()).map((row: { name: string; state: string }) => `${row.name}:${row.state}`)).toEqual(["one:up"]);
  });
});

describe("what is left out", () => {
  test("compile ends with one line naming what it left out", async () => {
    tree.oneshot("fine");
    tree.oneshot("needs-ghost", { deps: ["ghost"] });
    tree.service("no-up", { type: "oneshot\n" });
    const run = await tree.goetia("compile");
    expect(run.code).toBe(1);
    expect(run.out).toContain("goetia: error: 2 left out of the sources: needs-ghost, no-up\n");
  });

  test("when every service is broken, list says that nothing is loaded, and why, and fails", async () => {
    tree.service("no-up", { type: "oneshot\n" });
    tree.oneshot("needs-no-up", { deps: ["no-up"] });
    await tree.start();
    const run = await tree.goetia("list");
    expect(run.code).toBe(1);
    expect(run.out).toContain("goetia: error: no service is loaded: all 2 found are broken (goetia compile says why)");
  });
});

test("a read-only configuration (a root not yet remounted): compiled into the run directory, used there, until a compile can write it again", async () => {
  if (process.getuid!() !== 0) return; // a read-only bind mount
  await tree.start();
  tree.oneshot("one");
  const ro = Bun.spawnSync(["sh", "-c", `mount --bind "$1" "$1" && mount -o remount,ro,bind "$1"`, "sh", tree.conf]);
  expect(ro.exitCode).toBe(0);
  try {
    const run = await tree.goetia("start", "one");
    expect(run.code).toBe(0);
    expect(existsSync(join(tree.run, "goetia/compiled/db.json"))).toBe(true);
    expect(existsSync(join(tree.conf, "compiled"))).toBe(false);
    expect(tree.happened("one", "up-start")).toBe(true);
  } finally {
    Bun.spawnSync(["umount", tree.conf]);
  }
  tree.oneshot("two");
  expect((await tree.goetia("compile")).out).toContain(`into ${join(tree.conf, "compiled")}`);
  expect(existsSync(join(tree.run, "goetia/compiled"))).toBe(false);
  expect(readdirSync(join(tree.run, "goetia")).filter((entry) => entry.startsWith("compiled-"))).toEqual([]);
});
