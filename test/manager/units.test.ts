// systemd units run under goetia on a real s6-svscan: a unit enabled in
// multi-user.target.wants is compiled into the bundle units and runs as its
// unit says: its user, its environment, its runtime directory, restarted or
// not as Restart= says; a oneshot's ExecStop= runs when it is stopped; and a
// goetia service of the same name wins.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readIfExists } from "../../src/lib/files.ts";
import { pollUntil } from "../../src/lib/poll.ts";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

let tree: HostTree;
let runtimeDir: string;
beforeEach(async () => {
  tree = await new HostTree().start();
  runtimeDir = `goetia-unit-test-${process.pid}`;
});
afterEach(async () => {
  rmSync(join("/run", runtimeDir), { recursive: true, force: true });
  await tree.stop();
});

const unit = (name: string, text: string) => tree.unit(name, text);

const goetia = (...args: string[]) => tree.goetia(...args);
const row = async (name: string) => (await tree.statusRows()).find((r) => r.name === name)!;

test("a simple unit runs as its User=, with its Environment=, in its RuntimeDirectory= made for it", async () => {
  const mark = join("/run", runtimeDir, "env"); // nobody may write there, and not in the tree's folder
  unit(
    "web.service",
    `[Unit]\nDescription=web\n[Service]\nUser=nobody\nGroup=nogroup\nEnvironment="GREETING=hello world"\nRuntimeDirectory=${runtimeDir}\nWorkingDirectory=/run/${runtimeDir}\nExecStart=/bin/sh -c 'echo "$GREETING %n $(pwd)" > ${mark}; exec sleep 1000'\n`,
  );
  const started = await goetia("start", "units");
  expect(started.code).toBe(0);
  const web = await row("web");
  expect(web.state).toBe("up");
  expect(Bun.spawnSync(["ps", "-o", "user=", "-p", String(web.pid)]).stdout.toString().trim()).toBe("nobody");
  expect(await pollUntil(() => readIfExists(mark) === `hello world web.service /run/${runtimeDir}\n`, 10_000)).toBe(true);
  const owner = statSync(join("/run", runtimeDir));
  expect([owner.uid, (owner.mode & 0o777).toString(8)]).toEqual([Number(Bun.spawnSync(["id", "-u", "nobody"]).stdout.toString()), "755"]);
});

test("Nice=, CPUSchedulingPolicy= and IOSchedulingClass=: the daemon runs with them, as the kernel reports", async () => {
  unit("slow.service", "[Service]\nNice=7\nCPUSchedulingPolicy=batch\nIOSchedulingClass=idle\nExecStart=/bin/sleep 1000\n");
  expect((await goetia("start", "slow")).code).toBe(0);
  const pid = String((await row("slow")).pid);
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  expect(stat[16]).toBe("7"); // nice, field 19
  expect(stat[38]).toBe("3"); // policy, field 41: SCHED_BATCH
  expect(Bun.spawnSync(["ionice", "-p", pid]).stdout.toString().trim()).toBe("idle");
});

test("Restart=on-failure: a failure is restarted, a clean exit is not", async () => {
  const flag = join(tree.dir, "fail");
  writeFileSync(flag, "");
  const starts = join(tree.dir, "starts");
  unit("flaky.service", `[Service]\nExecStart=/bin/sh -c 'echo >> ${starts}; sleep 1; [ ! -e ${flag} ]'\nRestart=on-failure\nRestartSec=100ms\n`);
  expect((await goetia("start", "flaky")).code).toBe(0);
  const count = () => readFileSync(starts, "utf8").length;
  expect(await pollUntil(() => count() >= 2, 20_000)).toBe(true); // failed, restarted
  rmSync(flag);
  // Its next exit is clean: s6 is told not to start it again.
  expect(await tree.stateOnceIs("flaky", "ended")).toBe("ended");
  const settled = count();
  await Bun.sleep(2500); // s6-supervise would have started it again by now
  expect(count()).toBe(settled);
});

test("a forking daemon: up once its launcher has exited, its pid the PID file's; stopped through its keeper, which ends with it", async () => {
  const pidFile = join(tree.dir, "forky.pid");
  const launcher = tree.file("bin/forky", `#!/bin/sh\nsetsid sleep 1000 </dev/null >/dev/null 2>&1 &\necho $! > ${pidFile}\n`);
  unit("forky.service", `[Service]\nType=forking\nPIDFile=${pidFile}\nExecStart=${launcher}\n`);
  expect((await goetia("start", "forky")).code).toBe(0);
  const daemon = Number(readFileSync(pidFile, "utf8"));
  const keeper = (await row("forky")).pid!;
  expect(readFileSync(`/proc/${daemon}/stat`, "utf8").split(" ")[3]).toBe(String(keeper)); // the daemon is the keeper's child
  expect((await goetia("stop", "forky")).code).toBe(0);
  expect(await pollUntil(() => !existsSync(`/proc/${daemon}`), 10_000)).toBe(true);
  expect((await row("forky")).state).toBe("down");
});

test("a forking daemon whose launcher fails, with Restart=no: the start fails at once, as s6 will not start it again", async () => {
  unit("broken.service", "[Service]\nType=forking\nExecStart=/bin/sh -c 'exit 4'\nTimeoutStartSec=60\n");
  const run = await goetia("start", "broken");
  expect(run.code).toBe(1);
  expect(run.out).toContain("failed broken: s6-supervise reports it failed for good");
});

test("a daemon's ExecStop= runs, with its MAINPID, before it is sent its KillSignal=; ExecStopPost= after it died", async () => {
  const log = join(tree.dir, "stop-log");
  unit("stoppable.service", `[Service]\nExecStart=/bin/sleep 1000\nExecStop=/bin/sh -c 'echo "stop $MAINPID" >> ${log}'\nExecStopPost=/bin/sh -c 'echo post >> ${log}'\n`);
  expect((await goetia("start", "stoppable")).code).toBe(0);
  const pid = (await row("stoppable")).pid;
  expect((await goetia("stop", "stoppable")).code).toBe(0);
  expect(await pollUntil(() => readIfExists(log) === `stop ${pid}\npost\n`, 10_000)).toBe(true);
});

test("conditions: a daemon whose conditions do not hold is not started, and says why, and what needs it goes on; a oneshot skips", async () => {
  const flag = join(tree.dir, "flag");
  writeFileSync(flag, "");
  unit("gated.service", `[Unit]\nConditionPathExists=!${flag}\nConditionKernelCommandLine=!goetia.no.such.word\n[Service]\nExecStart=/bin/sleep 1000\n`);
  unit("after-gated.service", `[Unit]\nRequires=gated.service\nAfter=gated.service\n[Service]\nType=oneshot\nExecStart=/bin/true\n`);
  unit("either.service", `[Unit]\nConditionPathExists=|/no/such/path\nConditionPathIsDirectory=|${tree.dir}\n[Service]\nExecStart=/bin/sleep 1000\n`);
  unit("skipping.service", `[Unit]\nConditionFileNotEmpty=${flag}\n[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo ran > ${flag}.ran'\n`);
  expect((await goetia("start", "units")).code).toBe(0);
  const gated = await row("gated");
  expect(gated.state).toBe("up");
  expect(gated.detail).toBe(`not started, its conditions do not all hold: ConditionPathExists=!${flag}, ConditionKernelCommandLine=!goetia.no.such.word`);
  expect((await row("after-gated")).state).toBe("up");
  expect((await row("either")).detail).toMatch(/^up in \d+ ms$/); // one of its triggering conditions holds
  expect((await row("skipping")).state).toBe("up");
  expect(existsSync(`${flag}.ran`)).toBe(false);
});

test("an assert that does not hold fails the start: the run script says which and exits 1", async () => {
  unit("asserted.service", `[Unit]\nAssertPathExists=/no/such/path\n[Service]\nExecStart=/bin/sleep 1000\n`);
  const asserted = await goetia("start", "asserted");
  expect(asserted.code).toBe(1);
  expect(asserted.out).toContain("failed asserted: died within 100 ms of its start (exited 1)");
  expect(readFileSync(join(tree.run, "service", "asserted", "run"), "utf8")).toContain("goetia: asserted: not all of these hold: AssertPathExists=/no/such/path");
});

test("a oneshot unit: ExecStart= when started, ExecStop= when stopped", async () => {
  const log = join(tree.dir, "oneshot-log");
  unit("setup.service", `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c 'echo start >> ${log}'\nExecStop=/bin/sh -c 'echo stop >> ${log}'\n`);
  expect((await goetia("start", "setup")).code).toBe(0);
  expect((await goetia("stop", "setup")).code).toBe(0);
  expect(readFileSync(log, "utf8")).toBe("start\nstop\n");
});

test("a goetia service of the same name wins; goetia units says what each unit became and what it ignored", async () => {
  tree.service("cron", { type: "longrun\n", run: "#!/bin/sh\nexec sleep 1000\n" });
  unit("cron.service", "[Service]\nExecStart=/usr/sbin/cron -f\n");
  unit("odd.service", "[Service]\nExecStart=/bin/sleep 1000\nProtectSystem=full\nFrobnicate=1\n");
  unit("old.service", "[Service]\nType=dbus\nExecStart=/usr/sbin/old\n");
  const listing = await goetia("units");
  expect(listing.code).toBe(0);
  const lib = join(tree.dir, "units", "lib");
  expect(listing.stdout.split("\n")).toEqual([
    "cron.service  cron (goetia's own)",
    "odd.service   odd (longrun)",
    `  ${lib}/odd.service:3: ProtectSystem=: sandboxing and resource control need systemd's namespaces, cgroups and seccomp: the daemon runs without`,
    `  ${lib}/odd.service:4: Frobnicate=: not something goetia does: ignored`,
    "old.service   not made: Type=dbus: not a kind goetia runs (simple, exec, notify, forking, oneshot)",
    "",
  ]);
  expect((await goetia("list", "units")).stdout).toBe("cron\nodd\n");
});

test("a socket-activated daemon (the real dbus-daemon, told --address=systemd:) is given its socket as systemd gives it, again when it is restarted", async () => {
  const bus = join("/run", runtimeDir, "bus");
  const lib = join(tree.dir, "units", "lib");
  tree.file("units/lib/bus.socket", `[Unit]\nDescription=a message bus's socket\n[Socket]\nListenStream=${bus}\nSocketMode=0660\nSocketUser=nobody\n`);
  mkdirSync(join(tree.dir, "units", "etc", "sockets.target.wants"), { recursive: true });
  symlinkSync(join(lib, "bus.socket"), join(tree.dir, "units", "etc", "sockets.target.wants", "bus.socket"));
  writeFileSync(join(lib, "bus.service"), "[Unit]\nRequires=bus.socket\n[Service]\nType=notify\nExecStart=/usr/bin/dbus-daemon --session --address=systemd: --nofork --nopidfile --nosyslog\n");
  expect((await goetia("list", "units")).stdout).toBe("bus\n");
  expect((await goetia("start", "units")).code).toBe(0); // up: dbus-daemon said READY=1 through the bridge
  const listNames = () => Bun.spawnSync(["dbus-send", `--bus=unix:path=${bus}`, "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.ListNames"], { stdout: "pipe", stderr: "pipe" });
  expect(listNames().stdout.toString()).toContain('string "org.freedesktop.DBus"');
  const socket = statSync(bus);
  expect([socket.isSocket(), socket.uid, (socket.mode & 0o777).toString(8)]).toEqual([true, Number(Bun.spawnSync(["id", "-u", "nobody"]).stdout.toString()), "660"]);
  const first = (await row("bus")).pid!;
  expect(readFileSync(`/proc/${first}/comm`, "utf8")).toBe("dbus-daemon\n"); // the process s6 supervises is the daemon itself
  // Restart=no (the default) has the finish end the daemon for good; a restart asked for still brings it back, its socket made anew.
  const restarted = await goetia("restart", "bus");
  expect(restarted.out).not.toContain("have changed"); // nothing was edited since the start
  expect(restarted.code).toBe(0);
  expect((await row("bus")).pid).not.toBe(first);
  expect(listNames().stdout.toString()).toContain('string "org.freedesktop.DBus"');
  expect((await goetia("units")).stdout).toBe("bus.service  bus (longrun)\nbus.socket   bus's sockets, made as it starts\n");
});

test("update --start-added, as dpkg's hook runs it: a unit a package has just enabled starts; a new service the boot would not bring up stays down, and so does one stopped by hand", async () => {
  tree.service("default", { type: "bundle\n", contents: "units\n" });
  unit("first.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  unit("second.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  expect((await goetia("start", "units")).code).toBe(0);
  expect((await goetia("stop", "second")).code).toBe(0);
  unit("fresh.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  tree.service("spare", { type: "longrun\n", run: "#!/bin/sh\nexec sleep 1000\n" });
  const updated = await goetia("update", "--start-added");
  expect(updated.code).toBe(0);
  expect(updated.out).toContain("added: fresh spare spare-log\n");
  const states = Object.fromEntries((await tree.statusRows()).map((r) => [r.name, r.state]));
  expect([states.first, states.second, states.fresh, states.spare]).toEqual(["up", "down", "up", "down"]);
});
