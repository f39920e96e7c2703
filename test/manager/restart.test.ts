// goetia restart, reload and signal against a real s6-svscan: a daemon
// restarted in place keeps what needs it running, a oneshot's restart takes
// its dependents down and up again, a signal reaches the daemon itself, and
// a reload is the service's own (a signal or a command) or SIGHUP.
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { pollUntil } from "../../src/lib/poll.ts";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
});
afterEach(() => tree.stop());

/** A daemon that marks each start, and each signal it traps, in the event log. */
function daemon(name: string, files: Record<string, string> = {}): void {
  const mark = (what: string) => `echo "${name} ${what} $(date +%s%N)" >> ${tree.events}`;
  tree.service(name, {
    type: "longrun\n",
    run: `#!/bin/sh\ntrap '${mark("HUP")}' HUP\ntrap '${mark("USR1")}' USR1\ntrap 'exit 0' TERM\n${mark("started")}\nwhile :; do sleep 0.1; done\n`,
    ...files,
  });
}

const pidOf = async (name: string) => (await tree.statusRows()).find((row) => row.name === name)!.pid;

describe("restart", () => {
  test("a daemon restarts in place: a new process, up again, and what needs it is left running", async () => {
    daemon("d");
    tree.oneshot("needs-d", { deps: ["d"] });
    expect((await tree.goetia("start", "needs-d")).code).toBe(0);
    const before = await pidOf("d");
    const run = await tree.goetia("restart", "d");
    expect(run.code).toBe(0);
    expect(run.out).toContain("d restarted");
    const after = await pidOf("d");
    expect(after).not.toBe(before);
    expect(await pollUntil(() => tree.count("d", "started") === 2, 10_000)).toBe(true);
    expect(tree.count("needs-d", "down-start")).toBe(0);
    const rows = await tree.statusRows();
    expect(rows.filter((row) => row.state !== "up")).toEqual([]);
  });

  test("a daemon with readiness is restarted once its new process says it is ready", async () => {
    tree.service("slowd", {
      type: "longrun\n",
      "notification-fd": "3\n",
      run: `#!/bin/sh\nsleep 0.5\necho "slowd ready $(date +%s%N)" >> ${tree.events}\necho >&3\nexec sleep 1000\n`,
    });
    expect((await tree.goetia("start", "slowd")).code).toBe(0);
    const run = await tree.goetia("restart", "slowd");
    expect(run.code).toBe(0);
    expect(tree.count("slowd", "ready")).toBe(2);
  });

  test("a oneshot goes down and up again, and so do the services that need it", async () => {
    tree.oneshot("base");
    tree.oneshot("top", { deps: ["base"] });
    tree.oneshot("other");
    expect((await tree.goetia("start", "top", "other")).code).toBe(0);
    const run = await tree.goetia("restart", "base");
    expect(run.code).toBe(0);
    expect(tree.when("top", "down-end")).toBeLessThan(tree.when("base", "down-start"));
    const ups = tree.eventLog().filter((e) => e.event === "up-start" && e.name !== "other");
    expect(ups.map((e) => e.name)).toEqual(["base", "top", "base", "top"]);
    expect(tree.count("other", "down-start")).toBe(0);
  });

  test("a service that is not up is started, with what it needs", async () => {
    daemon("d");
    tree.oneshot("after-d", { deps: ["d"] });
    expect((await tree.goetia("restart", "after-d")).code).toBe(0);
    expect(tree.count("d", "started")).toBe(1);
    expect(tree.count("after-d", "up-end")).toBe(1);
  });

  test("-n shows the plan and restarts nothing", async () => {
    daemon("d");
    expect((await tree.goetia("start", "d")).code).toBe(0);
    const run = await tree.goetia("restart", "-n", "d");
    expect(run.code).toBe(0);
    expect(run.out).toContain("would restart: d");
    expect(tree.count("d", "started")).toBe(1);
  });
});

describe("signal", () => {
  test("the daemon itself gets it, by any of its names", async () => {
    daemon("d");
    expect((await tree.goetia("start", "d")).code).toBe(0);
    expect(await pollUntil(() => tree.happened("d", "started"), 10_000)).toBe(true); // its traps are set
    expect((await tree.goetia("signal", "USR1", "d")).code).toBe(0);
    expect((await tree.goetia("signal", "sighup", "d")).code).toBe(0);
    expect(await pollUntil(() => tree.happened("d", "USR1") && tree.happened("d", "HUP"), 10_000)).toBe(true);
  });

  test("a signal s6-supervise does not send, a oneshot, a daemon that is not up: refused, saying why", async () => {
    daemon("d");
    tree.oneshot("once");
    const segv = await tree.goetia("signal", "SEGV", "d");
    expect(segv.code).toBe(100);
    expect(segv.out).toContain("SIGSEGV cannot be sent");
    const oneshot = await tree.goetia("signal", "HUP", "once");
    expect(oneshot.code).toBe(100);
    expect(oneshot.out).toContain("once is a oneshot");
    const down = await tree.goetia("signal", "HUP", "d");
    expect(down.code).toBe(1);
    expect(down.out).toContain("d is not up");
  });
});

describe("reload", () => {
  test("SIGHUP without a reload file; the file's signal with one", async () => {
    daemon("plain");
    daemon("usr1", { reload: "SIGUSR1\n" });
    expect((await tree.goetia("start", "plain", "usr1")).code).toBe(0);
    expect(await pollUntil(() => tree.happened("plain", "started") && tree.happened("usr1", "started"), 10_000)).toBe(true);
    const run = await tree.goetia("reload", "plain", "usr1");
    expect(run.code).toBe(0);
    expect(await pollUntil(() => tree.happened("plain", "HUP") && tree.happened("usr1", "USR1"), 10_000)).toBe(true);
    expect(tree.happened("usr1", "HUP")).toBe(false);
  });

  test("a reload command runs with the daemon's pid in MAINPID; its failure is the reload's", async () => {
    const out = tree.file("reloaded", "");
    daemon("cmd", { reload: `sh -c "echo $MAINPID > ${out}"\n` });
    daemon("broken", { reload: "sh -c \"exit 3\"\n" });
    expect((await tree.goetia("start", "cmd", "broken")).code).toBe(0);
    const ok = await tree.goetia("reload", "cmd");
    expect(ok.code).toBe(0);
    expect(Number(readFileSync(out, "utf8"))).toBe((await pidOf("cmd"))!);
    const failed = await tree.goetia("reload", "broken");
    expect(failed.code).toBe(1);
    expect(failed.out).toContain("broken: its reload command exited 3");
  });

  test("a stop command runs with the daemon's pid before its down-signal; one that fails is told, and the daemon stops anyway", async () => {
    const out = tree.file("stopped", "");
    daemon("tidy", { stop: `sh -c "echo $MAINPID > ${out}"\n` });
    daemon("stubborn", { stop: "sh -c \"exit 3\"\n" });
    expect((await tree.goetia("start", "tidy", "stubborn")).code).toBe(0);
    const tidy = await pidOf("tidy");
    expect((await tree.goetia("stop", "tidy")).code).toBe(0);
    expect(Number(readFileSync(out, "utf8"))).toBe(tidy!);
    const stubborn = await tree.goetia("stop", "stubborn");
    expect(stubborn.code).toBe(0);
    expect(stubborn.out).toContain("stubborn: its stop command exited 3; its down-signal stops it");
    expect((await tree.statusRows()).filter((row) => ["tidy", "stubborn"].includes(row.name)).map((row) => row.state)).toEqual(["down", "down"]);
  });

  test("a reload file naming a signal s6-supervise cannot send is refused at compile, naming the file", async () => {
    daemon("bad", { reload: "SIGSEGV\n" });
    const run = await tree.goetia("compile");
    expect(run.out).toMatch(/service bad: \S+\/bad\/reload: SIGSEGV cannot be sent/);
  });
});
