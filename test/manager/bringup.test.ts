// The boot's bring-up as goetia compiles it (manager/bringup.ts), run as
// stage 1 runs it: the shell script prepares the tree before s6-svscan
// starts, then brings the bundle up beside a real s6-svscan. Its order,
// parallel branches, failure skipping, timeouts and readiness, and what
// `goetia status` knows afterwards.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { bringUpWith } from "../helpers/boot-runs.ts";
import { HostTree } from "../helpers/host-tree.ts";

let tree: HostTree;
beforeEach(() => {
  tree = new HostTree();
});
afterEach(() => tree.stop());

/** The bring-up of name under busybox's sh, as the test system runs it. */
const bringUp = (name: string, ...more: string[]) => bringUpWith(tree, "busybox", name, ...more);

function mark(name: string, extra: Record<string, string> = {}, { deps = [] as string[], seconds = 0.2, exit = 0 } = {}) {
  tree.oneshot(name, { deps, seconds, exit, extra });
}

test("the bundle comes up in dependency order, branches in parallel, failures skip only what needs them", async () => {
  mark("a");
  mark("b", {}, { deps: ["a"], seconds: 0.5 });
  mark("c", {}, { deps: ["a"], seconds: 0.5 });
  mark("bad", {}, { deps: ["a"], exit: 3 });
  mark("after-bad", {}, { deps: ["bad"] });
  mark("top", {}, { deps: ["after-bad"] });
  mark("slow", { "timeout-up": "300\n" }, { seconds: 5 });
  tree.service("ready", {
    type: "longrun\n",
    "notification-fd": "3\n",
    run: `#!/bin/sh\nsleep 0.5\necho "ready ready-at $(date +%s%N)" >> ${tree.events}\necho >&3\nexec sleep 100000\n`,
  });
  mark("needs-ready", {}, { deps: ["ready"] });
  tree.service("default", { type: "bundle\n", contents: "b\nc\ntop\nslow\nneeds-ready\n" });
  expect((await tree.goetia("compile")).code).toBe(0);
  const run = await bringUp("default", "2026-11-30T174100-0123abcd");
  expect(run.prepared).toBe(0);
  const said = await run.said;

  expect(tree.when("a", "up-end")).toBeLessThan(tree.when("b", "up-start"));
  expect(tree.when("a", "up-end")).toBeLessThan(tree.when("c", "up-start"));
  expect(tree.when("b", "up-start")).toBeLessThan(tree.when("c", "up-end"));
  expect(tree.when("c", "up-start")).toBeLessThan(tree.when("b", "up-end"));
  expect(tree.when("ready", "ready-at")).toBeLessThan(tree.when("needs-ready", "up-start"));
  expect(tree.happened("after-bad", "up-start")).toBe(false);
  expect(tree.happened("top", "up-start")).toBe(false);
  expect(tree.happened("slow", "up-end")).toBe(false);

  expect(said).toContain("goetia: error: failed bad: up script exited 3");
  expect(said).toContain("goetia: warning: skipped top: dependency after-bad failed");
  expect(said).toMatch(/goetia: error: failed slow: timed out after 300 ms \(\d+ ms\)/);
  expect(said).toMatch(/goetia: error: bundle default not fully up: 6 services up in \d+ ms since the kernel started; 2 failed: (bad, slow|slow, bad); 2 skipped: after-bad, top\n/);
  expect(said).toContain("(no terminal for an emergency shell)");

  const rows = new Map((await tree.statusRows()).map((row) => [row.name, row]));
  for (const name of ["a", "b", "c", "ready", "needs-ready"]) expect(rows.get(name)?.state).toBe("up");
  expect(rows.get("bad")).toMatchObject({ state: "failed", detail: expect.stringContaining("up script exited 3") });
  expect(rows.get("top")).toMatchObject({ state: "failed", detail: expect.stringContaining("dependency after-bad failed") });
  expect(rows.get("slow")).toMatchObject({ state: "failed", detail: expect.stringContaining("timed out after 300 ms") });

  // The boot record: every service asked, its way up, the failures and what they held back; kept on disk.
  const record = readFileSync(join(tree.run, "goetia", "boot-record"), "utf8");
  expect(record).toMatch(/^bundle-not-up \d+ default$/m);
  for (const name of ["a", "b", "c", "bad", "after-bad", "top", "slow", "ready", "needs-ready"]) expect(record).toMatch(new RegExp(`^asked \\d+ ${name} the boot$`, "m"));
  expect(record).toMatch(/^failed \d+ bad up script exited 3$/m);
  expect(record).toMatch(/^skipped \d+ after-bad bad$/m);
  expect(record).toMatch(/^skipped \d+ top after-bad$/m);
  expect(record.search(/^up \d+ ready$/m)).toBeLessThan(record.search(/^ready \d+ ready$/m));
  expect(record.search(/^ready \d+ ready$/m)).toBeLessThan(record.search(/^starting \d+ needs-ready$/m));
  expect(readFileSync(join(tree.dir, "log", "boot", "2026-11-30T174100-0123abcd"), "utf8")).toBe(record);
  const blamed = JSON.parse((await tree.goetia("analyze", "blame", "--json")).stdout) as { name: string; outcome: string }[];
  expect(blamed.find((s) => s.name === "bad")?.outcome).toBe("failed");
  expect(blamed.map((s) => s.name)).not.toContain("top");
});

test("a nice file: the oneshot's command (and the runner that records it) and the longrun's daemon run that much nicer, at boot as in a later change", async () => {
  const niceOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[16];
  const seen = join(tree.dir, "nice-seen");
  // Its own nice, then its parent's: the runner's (field 19 of /proc/PID/stat).
  tree.service("background", { type: "oneshot\n", up: `sh -c "echo $(nice) $(cut -d' ' -f19 /proc/$PPID/stat) > ${seen}"\n`, nice: "19\n" });
  tree.service("slow", { type: "longrun\n", run: "#!/bin/sh\nexec sleep 100000\n", nice: "7\n" });
  tree.service("default", { type: "bundle\n", contents: "background\nslow\n" });
  expect((await tree.goetia("compile")).code).toBe(0);
  const run = await bringUp("default");
  expect(run.prepared).toBe(0);
  expect(await run.said).toContain("bundle default up");
  expect(readFileSync(seen, "utf8")).toBe("19 19\n");
  const rows = new Map((await tree.statusRows()).map((row) => [row.name, row]));
  expect(niceOf(rows.get("slow")!.pid!)).toBe("7");

  // The engine, later: the same.
  expect((await tree.goetia("stop", "background", "slow")).code).toBe(0);
  rmSync(seen);
  expect((await tree.goetia("start", "default")).code).toBe(0);
  expect(readFileSync(seen, "utf8")).toBe("19 19\n");
  const again = new Map((await tree.statusRows()).map((row) => [row.name, row]));
  expect(niceOf(again.get("slow")!.pid!)).toBe("7");
});

test("quiet: the console gets errors and the summary only", async () => {
  mark("fine");
  mark("bad", {}, { exit: 3 });
  tree.service("default", { type: "bundle\n", contents: "fine\nbad\n" });
  await tree.goetia("compile");
  const said = await (await bringUp("default", "", "quiet")).said;
  expect(said).not.toContain("starting fine");
  expect(said).not.toContain("up fine");
  expect(said).toContain("goetia: error: failed bad: up script exited 3");
  expect(said).toMatch(/goetia: error: bundle default not fully up: 1 service up in \d+ ms since the kernel started; 1 failed: bad\n/);
  // No boot name: nothing kept on disk.
  expect(existsSync(join(tree.dir, "log", "boot"))).toBe(false);
});

test("a shutdown's SIGTERM interrupts it: what runs is killed and on record as interrupted, nothing more starts", async () => {
  mark("slow", {}, { seconds: 30 });
  mark("later", {}, { deps: ["slow"] });
  tree.service("default", { type: "bundle\n", contents: "later\n" });
  await tree.goetia("compile");
  const run = await bringUp("default");
  const lockPath = join(tree.run, "goetia", "lock");
  while (!tree.happened("slow", "up-start")) await Bun.sleep(20);
  const [pid, what] = readFileSync(lockPath, "utf8").split("\n");
  expect(what).toBe("up bundle default");
  process.kill(Number(pid), "SIGTERM");
  expect(await run.said).toContain("goetia: error: bundle default: interrupted by SIGTERM; interrupted: slow");
  const rows = new Map((await tree.statusRows()).map((row) => [row.name, row]));
  expect(rows.get("slow")).toMatchObject({ state: "failed", detail: expect.stringContaining("interrupted") });
  expect(rows.get("later")?.state).toBe("down");
  await Bun.sleep(300);
  expect(tree.happened("slow", "up-end")).toBe(false); // its process group was killed
});

test("sources edited after the compile: it does nothing and says so with exit 3, for goetia to compile them", async () => {
  mark("one");
  tree.service("default", { type: "bundle\n", contents: "one\n" });
  await tree.goetia("compile");
  const later = new Date(Date.now() + 5000);
  utimesSync(join(tree.conf, "src", "test", "one", "up"), later, later);
  const run = await bringUp("default");
  expect(run.prepared).toBe(3);
  expect(existsSync(join(tree.run, "goetia", "live"))).toBe(false);
  // The run directory untouched: the stage that compiles prepares it afresh.
  expect(existsSync(join(tree.run, "service", "s6-svscan-log", "fifo"))).toBe(false);
});

test("an unknown name: the default bundle instead, said so", async () => {
  mark("one");
  mark("two", {}, { deps: ["one"] });
  tree.service("default", { type: "bundle\n", contents: "one\n" });
  await tree.goetia("compile");
  const run = await bringUp("no-such");
  expect(run.prepared).toBe(0);
  const said = await run.said;
  expect(said).toContain("goetia: error: GOETIABUNDLE=no-such: no such bundle or service; bringing up default instead");
  expect(said).toMatch(/goetia: bundle default up: \d+ services? up in \d+ ms/);
  expect(tree.happened("two", "up-start")).toBe(false);
});

test("longruns with readiness wait each alone: one that never gets ready fails alone, and holds back only what needs it", async () => {
  const ready = (name: string, notify: boolean) =>
    tree.service(name, {
      type: "longrun\n",
      "notification-fd": "3\n",
      "timeout-up": "1500\n",
      run: `#!/bin/sh\n${notify ? "echo >&3\n" : ""}exec sleep 100000\n`,
    });
  ready("quick", true);
  ready("mute", false);
  ready("quick2", true);
  mark("after-quick", {}, { deps: ["quick", "quick2"] });
  mark("after-mute", {}, { deps: ["mute"] });
  tree.service("default", { type: "bundle\n", contents: "after-quick\nafter-mute\n" });
  await tree.goetia("compile");
  const said = await (await bringUp("default")).said;
  expect(said).toMatch(/goetia: up quick \(\d+ ms\)/);
  expect(said).toMatch(/goetia: up quick2 \(\d+ ms\)/);
  expect(said).toMatch(/goetia: error: failed mute: timed out after 1500 ms/);
  expect(said).toContain("goetia: warning: skipped after-mute: dependency mute failed");
  expect(tree.when("after-quick", "up-end")).toBeLessThan(BigInt(Date.now() - 1000) * 1_000_000n);
  const rows = new Map((await tree.statusRows()).map((row) => [row.name, row]));
  expect(rows.get("quick")?.state).toBe("up");
  expect(rows.get("mute")).toMatchObject({ state: "failed", detail: expect.stringContaining("timed out after 1500 ms") });
});

test("longruns without readiness that start together are awaited together, each on record", async () => {
  for (const name of ["one", "two", "three"]) tree.service(name, { type: "longrun\n", run: "#!/bin/sh\nexec sleep 100000\n" });
  mark("after", {}, { deps: ["one", "two", "three"] });
  tree.service("default", { type: "bundle\n", contents: "after\n" });
  await tree.goetia("compile");
  const said = await (await bringUp("default")).said;
  for (const name of ["one", "two", "three"]) expect(said).toMatch(new RegExp(`goetia: up ${name} \\(\\d+ ms\\)`));
  expect(said).toMatch(/goetia: bundle default up: \d+ services? up in \d+ ms/);
  const rows = await tree.statusRows();
  // Each with the logger goetia made for it.
  expect(rows.filter((row) => row.state === "up").map((row) => row.name).sort()).toEqual(["after", "one", "one-log", "three", "three-log", "two", "two-log"]);
});
