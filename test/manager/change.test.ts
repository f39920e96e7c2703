// The service manager against a real s6-svscan on a temporary scandir:
// ordering, parallelism, readiness, failures, timeouts, the way down,
// essential services, pruning, dry runs and concurrent changes.
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pollUntil } from "../../src/lib/poll.ts";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
});
afterEach(() => tree.stop());

describe("going up", () => {
  test("dependencies are up before their dependents start, through bundles", async () => {
    tree.oneshot("a");
    tree.oneshot("b", { deps: ["a"] });
    tree.oneshot("c", { deps: ["b"] });
    tree.service("all", { type: "bundle\n", "contents.d/c": "" });
    const run = await tree.goetia("start", "all");
    expect(run.code).toBe(0);
    expect(tree.when("a", "up-end")).toBeLessThan(tree.when("b", "up-start"));
    expect(tree.when("b", "up-end")).toBeLessThan(tree.when("c", "up-start"));
    expect(run.out).toContain("goetia: all up");
  });

  test("independent services run at the same time", async () => {
    tree.oneshot("slow1", { seconds: 1 });
    tree.oneshot("slow2", { seconds: 1 });
    expect((await tree.goetia("start", "slow1", "slow2")).code).toBe(0);
    // Each started before the other ended: the two intervals overlap.
    expect(tree.when("slow1", "up-start")).toBeLessThan(tree.when("slow2", "up-end"));
    expect(tree.when("slow2", "up-start")).toBeLessThan(tree.when("slow1", "up-end"));
  });

  test("a longrun with notification-fd counts as up only once it says it is ready", async () => {
    tree.service("slowd", {
      type: "longrun\n",
      "notification-fd": "3\n",
      run: `#!/bin/sh\nsleep 1\necho "slowd ready $(date +%s%N)" >> ${tree.events}\necho >&3\nexec sleep 1000\n`,
    });
    tree.oneshot("user", { deps: ["slowd"] });
    const run = await tree.goetia("start", "user");
    expect(run.code).toBe(0);
    expect(tree.when("slowd", "ready")).toBeLessThan(tree.when("user", "up-start"));
    const status = JSON.parse((await tree.goetia("status", "--json", "slowd")).out);
    expect(status[0].state).toBe("up");
    expect(status[0].pid).toBeGreaterThan(1);
  });

  test("a longrun with sd-notify counts as up only once it sends READY=1 to $NOTIFY_SOCKET", async () => {
    // A daemon speaking sd_notify as libsystemd does (an abstract socket when the name starts with @, else a path).
    const daemon = tree.file(
      "bin/notifying-daemon",
      `#!/usr/bin/env python3
import os, socket, time
holds_fd3 = os.path.exists("/proc/self/fd/3")
time.sleep(1)
with open("${tree.events}", "a") as events: events.write(f"sdd ready {time.time_ns()} {os.getpid()} {'holds-fd3' if holds_fd3 else ''}\\n")
address = os.environ["NOTIFY_SOCKET"]
with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s: s.sendto(b"STATUS=listening\\nREADY=1\\n", "\\0" + address[1:] if address.startswith("@") else address)
time.sleep(1000)
`,
    );
    tree.service("sdd", { type: "longrun\n", "sd-notify": "", run: `#!/bin/sh\nexec ${daemon}\n` });
    tree.oneshot("user", { deps: ["sdd"] });
    const run = await tree.goetia("start", "user");
    expect(run.code).toBe(0);
    expect(tree.when("sdd", "ready")).toBeLessThan(tree.when("user", "up-start"));
    const status = JSON.parse((await tree.goetia("status", "--json", "sdd")).out);
    expect(status[0].state).toBe("up");
    // The daemon itself is the supervised process, and never holds s6's notification fd.
    const line = readFileSync(tree.events, "utf8").split("\n").find((l) => l.startsWith("sdd ready"))!;
    expect(line.split(" ")[3]).toBe(String(status[0].pid));
    expect(line.split(" ")[4]).toBe("");
  });

  test("a longrun whose sockets the helper makes (sockets -d, as the Debian set's rsyslog) is up once they are there: a datagram sent before the daemon reads waits for it", async () => {
    const socket = join(tree.dir, "log-socket");
    const gate = join(tree.dir, "gate");
    // The daemon reads nothing until the test opens the gate: being up cannot have come from it.
    const daemon = tree.file(
      "bin/late-reader",
      `#!/usr/bin/env python3
import os, socket, time
while not os.path.exists("${gate}"): time.sleep(0.05)
listening = socket.socket(fileno=3)
with open("${tree.events}", "a") as events: events.write(f"reader got {listening.recv(100).decode()} {os.environ['LISTEN_FDS']} {os.environ['LISTEN_PID'] == str(os.getpid())}\\n")
time.sleep(1000)
`,
    );
    tree.service("syslogd", { type: "longrun\n", "notification-fd": "3\n", run: `#!/bin/sh\nexec ${join(tree.env.GOETIA_LIBDIR, "sockets")} -d 3 -t dgram ${socket} -- ${daemon}\n` });
    expect((await tree.goetia("start", "syslogd")).code).toBe(0);
    expect(JSON.parse((await tree.goetia("status", "--json", "syslogd")).out)[0].state).toBe("up");
    expect(Bun.spawnSync(["logger", "-u", socket, "--socket-errors=on", "early-line"]).exitCode).toBe(0);
    writeFileSync(gate, "");
    const got = () => readFileSync(tree.events, "utf8").match(/^reader got (.*)$/m)?.[1] ?? "";
    await pollUntil(() => got() !== "", 15_000);
    expect(got()).toMatch(/early-line 1 True$/);
  });

  test("an sd-notify daemon that never says READY=1 fails after timeout-up", async () => {
    tree.service("mute-sd", { type: "longrun\n", "sd-notify": "", "timeout-up": "500\n", run: "#!/bin/sh\nexec sleep 1000\n" });
    const run = await tree.goetia("start", "mute-sd");
    expect(run.code).toBe(1);
    expect(run.out).toContain("failed mute-sd: timed out after 500 ms");
  });

  test("a failure skips only what depends on it, and the exit status is 1", async () => {
    tree.oneshot("bad", { exit: 3 });
    tree.oneshot("after-bad", { deps: ["bad"] });
    tree.oneshot("fine");
    const run = await tree.goetia("start", "after-bad", "fine");
    expect(run.code).toBe(1);
    expect(tree.happened("fine", "up-end")).toBe(true);
    expect(tree.happened("after-bad", "up-start")).toBe(false);
    expect(run.out).toContain("failed bad: up script exited 3");
    expect(run.out).toContain("skipped after-bad: dependency bad failed");
    const status = JSON.parse((await tree.goetia("status", "--json")).out);
    const byName = Object.fromEntries(status.map((row: { name: string }) => [row.name, row]));
    expect(byName.bad.state).toBe("failed");
    expect(byName.bad.detail).toBe("up script exited 3");
    expect(byName["after-bad"].detail).toBe("dependency bad failed");
    expect(byName.fine.state).toBe("up");
  });

  test("timeout-up fails a service that takes too long", async () => {
    tree.oneshot("sleepy", { seconds: 5, extra: { "timeout-up": "300\n" } });
    const run = await tree.goetia("start", "sleepy");
    expect(run.code).toBe(1);
    expect(run.out).toContain("failed sleepy: timed out after 300 ms");
  });

  test("a oneshot killed by its timeout-up is killed with everything it started", async () => {
    const forks = tree.file("bin/forks", `#!/bin/sh\n(sleep 1; echo "forks orphan-alive 0" >> ${tree.events}) &\nexec sleep 60\n`);
    tree.service("forks", { type: "oneshot\n", up: `${forks}\n`, "timeout-up": "300\n" });
    expect((await tree.goetia("start", "forks")).out).toContain("failed forks: timed out after 300 ms");
    await Bun.sleep(1500); // the child it left in the background would have written by now
    expect(tree.happened("forks", "orphan-alive")).toBe(false);
  });

  test("a longrun that never gets ready fails after timeout-up", async () => {
    tree.service("mute", { type: "longrun\n", "notification-fd": "3\n", "timeout-up": "500\n", run: "#!/bin/sh\nexec sleep 1000\n" });
    const run = await tree.goetia("start", "mute");
    expect(run.code).toBe(1);
    expect(run.out).toContain("failed mute: timed out after 500 ms");
  });

  test("-t gives up on the whole change with exit status 2", async () => {
    tree.oneshot("long", { seconds: 60 });
    const started = Date.now();
    const run = await tree.goetia("change", "-t", "400", "long");
    expect(run.code).toBe(2);
    // It gave up rather than waiting out the minute (a generous bound, not a timing goal).
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(tree.happened("long", "up-end")).toBe(false);
    expect(run.out).toContain("timed out after 400 ms; interrupted: long");
    expect(JSON.parse((await tree.goetia("status", "--json", "long")).out)[0].state).toBe("failed");
  });

  test("oneshots run in the tree's clean environment, not the caller's", async () => {
    tree.file("conf/env/GREETING", "from-the-tree\n");
    tree.service("env-check", { type: "oneshot\n", up: `sh -c "env > ${tree.dir}/oneshot-env"\n` });
    const child = Bun.spawn([process.execPath, "src/main.ts", "start", "env-check"], {
      env: { ...tree.env, CALLER_SECRET: "leak" },
    });
    expect(await child.exited).toBe(0);
    const env = await Bun.file(`${tree.dir}/oneshot-env`).text();
    expect(env).toContain("GREETING=from-the-tree");
    expect(env).not.toContain("CALLER_SECRET");
  });
});

test("a oneshot that starts something from inside the change is told at once that it would wait for itself", async () => {
  tree.oneshot("other");
  tree.service("starter", { type: "oneshot\n", up: `${tree.dir}/bin/goetia start other\n` });
  const run = await tree.goetia("start", "starter");
  expect(run.code).toBe(1);
  expect(run.out).toContain("this command runs inside the change it would wait for");
  expect(run.out).toContain("run it in the background");
});

describe("going down", () => {
  test("dependents stop before their dependencies", async () => {
    tree.oneshot("a");
    tree.oneshot("b", { deps: ["a"] });
    tree.oneshot("c", { deps: ["b"] });
    expect((await tree.goetia("start", "c")).code).toBe(0);
    const run = await tree.goetia("stop", "a");
    expect(run.code).toBe(0);
    expect(tree.when("c", "down-end")).toBeLessThan(tree.when("b", "down-start"));
    expect(tree.when("b", "down-end")).toBeLessThan(tree.when("a", "down-start"));
  });

  test("longruns stop: the daemon is gone afterwards", async () => {
    tree.service("daemon", { type: "longrun\n", run: "#!/bin/sh\nexec sleep 1001\n" });
    expect((await tree.goetia("start", "daemon")).code).toBe(0);
    const pid = JSON.parse((await tree.goetia("status", "--json", "daemon")).out)[0].pid;
    expect(pid).toBeGreaterThan(1);
    expect((await tree.goetia("stop", "daemon")).code).toBe(0);
    expect(() => process.kill(pid, 0)).toThrow();
    const row = JSON.parse((await tree.goetia("status", "--json", "daemon")).out)[0];
    expect(row.state).toBe("down");
    expect(row.pid).toBeNull();
  });

  test("essential services survive -d but not -D, and keep what they need", async () => {
    tree.oneshot("base");
    tree.oneshot("vital", { deps: ["base"], extra: { "flag-essential": "" } });
    tree.oneshot("extra", { deps: ["base"] });
    expect((await tree.goetia("start", "vital", "extra")).code).toBe(0);
    expect((await tree.goetia("change", "-d", "base")).code).toBe(0);
    expect(tree.happened("extra", "down-end")).toBe(true);
    expect(tree.happened("vital", "down-start")).toBe(false);
    expect(tree.happened("base", "down-start")).toBe(false);
    expect((await tree.goetia("change", "-D", "base")).code).toBe(0);
    expect(tree.happened("vital", "down-end")).toBe(true);
    expect(tree.happened("base", "down-end")).toBe(true);
  });
});

describe("planning", () => {
  test("-n prints the plan in steps and changes nothing", async () => {
    tree.oneshot("a");
    tree.oneshot("b", { deps: ["a"] });
    tree.oneshot("c", { deps: ["a"] });
    const run = await tree.goetia("change", "-n", "b", "c");
    expect(run.code).toBe(0);
    expect(run.out).toContain("would bring up, step 1: a");
    expect(run.out).toContain("would bring up, step 2: b c");
    expect(tree.eventLog()).toEqual([]);
  });

  test("-p brings down everything the selection does not need", async () => {
    tree.oneshot("a");
    tree.oneshot("b", { deps: ["a"] });
    tree.oneshot("other");
    expect((await tree.goetia("start", "b", "other")).code).toBe(0);
    expect((await tree.goetia("change", "-p", "b")).code).toBe(0);
    expect(tree.happened("other", "down-end")).toBe(true);
    expect(tree.happened("a", "down-start")).toBe(false);
  });

  test("an unknown name is a usage error that names it", async () => {
    const run = await tree.goetia("start", "nothing-here");
    expect(run.code).toBe(100);
    expect(run.out).toContain("no service or bundle named nothing-here");
  });
});

describe("concurrency", () => {
  test("a second change waits for the first, and both complete", async () => {
    tree.oneshot("first", { seconds: 1.5 });
    tree.oneshot("second");
    const one = tree.spawn("start", "first");
    expect(await pollUntil(() => existsSync(join(tree.run, "goetia", "lock")), 10_000)).toBe(true);
    const two = await tree.goetia("start", "second");
    expect(two.code).toBe(0);
    expect(two.out).toMatch(/waiting for another change \(pid \d+: up first\)/);
    expect(await one.exited).toBe(0);
    expect(tree.when("first", "up-end")).toBeLessThan(tree.when("second", "up-start"));
  });
});

test("a longrun whose finish says not to restart it (exit 125) shows as ended, and start brings it up again", async () => {
  const mark = join(tree.dir, "bin/mark");
  tree.service("once", { type: "longrun\n", run: `#!/bin/sh\nexec ${mark} once run 0.2\n`, finish: "#!/bin/sh\nexit 125\n", "no-log": "", "stay-up": "0\n" });
  expect((await tree.goetia("start", "once")).code).toBe(0);
  const stateOfOnce = async () => (await tree.statusRows()).find((row) => row.name === "once")!;
  expect(await pollUntil(() => tree.happened("once", "run-end"), 10_000)).toBe(true);
  let row = await stateOfOnce();
  for (let i = 0; i < 50 && row.state !== "ended"; i++) row = (await Bun.sleep(100), await stateOfOnce());
  expect(row).toMatchObject({ state: "ended", detail: "exited 0, 1 death on record, not to be restarted (goetia start brings it up again)" });
  expect((await tree.goetia("start", "once")).code).toBe(0);
  expect(await pollUntil(() => tree.count("once", "run-start") === 2, 10_000)).toBe(true);
});
