// Careless and hostile input, on a real tree: every mistake is refused at
// compile with the service, the file and the cause, printed with control
// characters escaped; nothing hangs; the rest still loads.
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/guest.ts";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(30_000);

let tree: HostTree;
beforeEach(() => {
  tree = new HostTree();
});
afterEach(() => tree.stop());

const src = (name: string, file = "") => join(tree.conf, "src/test", name, file).replace(/\/$/, "");

/** Runs goetia as nobody (uid 65534) on the tree, which nobody owns (or, with owned, may only read). */
function asNobody(owned: boolean, ...args: string[]) {
  Bun.spawnSync(owned ? ["chown", "-R", "65534:65534", tree.dir] : ["chmod", "-R", "a+rX", tree.dir]);
  const run = Bun.spawnSync(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, join(ROOT, "src/main.ts"), ...args], {
    env: tree.env,
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: run.exitCode, out: run.stdout.toString() + run.stderr.toString() };
}

describe("refused at compile, with the file and the cause", () => {
  test("bad bytes, names, links, numbers and sizes", async () => {
    tree.oneshot("good");
    tree.service("binary", { type: "longrun\0\x01\x02\n" });
    tree.service("escapes", { type: "\x1b]0;owned\x07\x1b[2J\n" });
    tree.file("conf/src/test/a-file", "not a folder\n");
    tree.file("elsewhere/file", "text\n");
    symlinkSync(join(tree.dir, "elsewhere/file"), join(tree.conf, "src/test/linked"));
    tree.oneshot("x".repeat(241));
    tree.oneshot("bad\x1bname");
    tree.oneshot("s6-rc-mine");
    tree.oneshot("huge-timeout", { extra: { "timeout-up": "2147483648\n" } });
    tree.oneshot("huger-timeout", { extra: { "timeout-down": "99999999999999999999\n" } });
    tree.service("far-fd", { type: "longrun\n", run: "#!/bin/sh\nexec sleep 100\n", "notification-fd": "99999\n" });
    tree.service("long-script", { type: "oneshot\n", up: `echo ${"y".repeat(200_000)}\n` });
    tree.service("run-is-a-folder", { type: "longrun\n", "run/file": "text\n" });
    symlinkSync("../nowhere", join(tree.conf, "src/test/dangling"));

    const run = await tree.goetia("compile");
    expect(run.code).toBe(1);
    const expected = [
      `service binary: ${src("binary", "type")}: not text: it holds control characters`,
      `service escapes: ${src("escapes", "type")}: not text: it holds control characters`,
      `service dangling: ${src("dangling")}: links to ../nowhere, which does not exist`,
      `service ${"x".repeat(241)}: ${src("x".repeat(241))}: bad service name: names must be 1 to 240 bytes long`,
      `service bad\\x1bname: ${src("bad\\x1bname")}: bad service name: names may not contain control characters`,
      `service s6-rc-mine: ${src("s6-rc-mine")}: bad service name: names starting with s6rc- or s6-svscan are reserved, as are s6-rc- ones`,
      `service huge-timeout: ${src("huge-timeout", "timeout-up")}: 2147483648 is more than 2147483647 ms, the longest a timer can wait`,
      `service huger-timeout: ${src("huger-timeout", "timeout-down")}: 99999999999999999999 is more than 2147483647 ms, the longest a timer can wait`,
      `service far-fd: ${src("far-fd", "notification-fd")}: 99999 is more than 1023 past the usual limit of open descriptors (1024)`,
      `service long-script: ${src("long-script", "up")}: 200005 bytes: more than the 131071 a command line may hold`,
      `service run-is-a-folder: ${src("run-is-a-folder", "run")}: not a regular file`,
    ];
    for (const line of expected) expect(run.out).toContain(`goetia: error: ${line}\n`);
    // Nothing from a source file reaches the terminal raw; files that are not folders are passed over, as s6-rc-compile passes them.
    expect(run.out).not.toContain("\x1b");
    expect(run.out).not.toContain("a-file");
    expect(run.out).not.toContain("linked");
    expect(run.out).toContain("compiled 1 services");
  });

  test("what a killed compile leaves behind blocks nothing: a stale compiled.new link and a half-made database", async () => {
    tree.oneshot("one");
    symlinkSync("compiled-0-0", join(tree.conf, "compiled.new"));
    mkdirSync(join(tree.conf, "compiled-1-1/servicedirs"), { recursive: true });
    expect((await tree.goetia("compile")).code).toBe(0);
    const left = readdirSync(tree.conf).filter((entry) => entry.startsWith("compiled"));
    expect(left.sort()).toEqual(["compiled", readlinkSync(join(tree.conf, "compiled"))].sort());
  });

  test("a hidden service is named, not silently dropped", async () => {
    tree.oneshot(".secret");
    const run = await tree.goetia("compile");
    expect(run.out).toContain(`service .secret: ${src(".secret")}: bad service name: names may not start with a dot`);
  });

  test("unreadable files and folders are named as unreadable, not missing", () => {
    tree.oneshot("fine");
    tree.service("locked", { type: "oneshot\n", up: "true\n" });
    tree.oneshot("hidden-inside");
    tree.service("locked-run", { type: "longrun\n", run: "#!/bin/sh\nexec sleep 100\n" });
    tree.oneshot("locked-dependencies", { deps: [] });
    tree.file("conf/src/test/locked-dependencies/dependencies.d/fine", "");
    tree.oneshot("needs-locked", { deps: ["locked-dependencies"] });
    mkdirSync(join(tree.conf, "src/closed/inner"), { recursive: true });
    writeFileSync(join(tree.conf, "src/closed/inner/type"), "oneshot\n");
    const run = (() => {
      chmodSync(src("locked", "type"), 0o000);
      chmodSync(join(tree.conf, "src/closed"), 0o000);
      chmodSync(src("locked-run", "run"), 0o000);
      chmodSync(src("locked-dependencies", "dependencies.d"), 0o000);
      return asNobody(true, "compile");
    })();
    expect(run.code).toBe(1);
    expect(run.out).toContain(`service locked: ${src("locked", "type")}: cannot be read: EACCES`);
    expect(run.out).toContain(`service closed: ${join(tree.conf, "src/closed")}: cannot be read: EACCES`);
    expect(run.out).toContain(`service locked-run: ${src("locked-run", "run")}: cannot be read: EACCES`);
    expect(run.out).toContain(`service locked-dependencies: ${src("locked-dependencies", "dependencies.d")}: cannot be read: EACCES`);
    expect(run.out).toContain(`service needs-locked: ${src("needs-locked", "dependencies")}: depends on locked-dependencies, which is broken and left out`);
    expect(run.out).toContain("compiled 2 services");
  });
});

describe("refused before anything is touched", () => {
  test("a -t beyond what a timer can wait is a usage error", async () => {
    tree.oneshot("one");
    await tree.start();
    const run = await tree.goetia("start", "-t", "99999999999999999999", "one");
    expect(run.code).toBe(100);
    expect(run.out).toContain("goetia: error: --timeout: 99999999999999999999 ms is more than the 2147483647 ms a timer can wait");
    expect(tree.happened("one", "up-start")).toBe(false);
  });

  test("a user who does not own the tree is told so, and nothing runs", async () => {
    tree.oneshot("one");
    await tree.start();
    const run = asNobody(false, "start", "one");
    expect(run.code).toBe(1);
    expect(run.out).toContain("goetia: error: only root may change the system tree");
  });
});

describe("no hang", () => {
  test("a longrun whose run cannot be executed fails with the reason, without timeout-up", async () => {
    // The interpreter exists when the sources are compiled, and is gone when the service starts.
    const interpreter = tree.file("bin/interpreter", "#!/bin/sh\nexec /bin/sh \"$@\"\n");
    tree.service("orphaned", { type: "longrun\n", run: `#!${interpreter}\nexec sleep 100\n`, "notification-fd": "3\n" });
    tree.oneshot("after", { deps: ["orphaned"] });
    await tree.start();
    expect((await tree.goetia("compile")).code).toBe(0);
    rmSync(interpreter);
    const run = await tree.goetia("start", "after");
    expect(run.code).toBe(1);
    expect(run.out).toContain("failed orphaned: s6-supervise cannot run its run script");
    expect(run.out).toContain("skipped after: dependency orphaned failed");
  });
});
