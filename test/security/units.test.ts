// Findings 9, 10 and 11 (doc/security.md): what a unit says is read as
// systemd reads it, never as code, and never widens what the daemon may do.
// Units run on a real s6-svscan, with a throwaway user where the attack is
// a user's.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pollUntil } from "../../src/lib/poll.ts";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
});
afterEach(async () => {
  await tree.stop();
});

const row = async (name: string) => (await tree.statusRows()).find((r) => r.name === name)!;
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].startsWith("Z");

test("a PID file naming another process: the start is refused, that process lives, and nothing the launcher left runs on", async () => {
  const victim = Bun.spawn(["sleep", "1000"]);
  const left = join(tree.dir, "left");
  const pidFile = join(tree.dir, "liar.pid");
  const launcher = tree.file("bin/liar", `#!/bin/sh\nsetsid sleep 1000 </dev/null >/dev/null 2>&1 &\necho $! > ${left}\necho ${victim.pid} > ${pidFile}\n`);
  tree.unit("liar.service", `[Service]\nType=forking\nPIDFile=${pidFile}\nExecStart=${launcher}\n`);
  const started = await tree.goetia("start", "liar");
  expect(started.code).toBe(1);
  expect((await row("liar")).state).toBe("failed");
  const daemon = Number(readFileSync(left, "utf8"));
  expect(await pollUntil(() => !alive(daemon), 10_000)).toBe(true);
  await tree.goetia("stop", "liar");
  expect(alive(victim.pid)).toBe(true);
  victim.kill();
  });

test("a PID file that is a link is refused, even to the daemon's own pid", async () => {
  const pidFile = join(tree.dir, "linked.pid");
  const real = join(tree.dir, "real.pid");
  const launcher = tree.file("bin/linker", `#!/bin/sh\nsetsid sleep 1000 </dev/null >/dev/null 2>&1 &\necho $! > ${real}\nln -sf ${real} ${pidFile}\n`);
  tree.unit("linked.service", `[Service]\nType=forking\nPIDFile=${pidFile}\nExecStart=${launcher}\n`);
  expect((await tree.goetia("start", "linked")).code).toBe(1);
  expect(await pollUntil(() => !alive(Number(readFileSync(real, "utf8"))), 10_000)).toBe(true);
});

test("an EnvironmentFile= is read as systemd reads it, never run: $(...) stays text, two words one value", async () => {
  const marker = join(tree.dir, "ran-as-root");
  const file = tree.file("default/web", [`H=$(touch ${marker})`, "G=two words", `Q="a \\"quoted\\" $HOME"`, "S='single $(id)'", "# a comment", "bad-name=1", "C=a\\", "d", ""].join("\n"));
  const seen = join(tree.dir, "seen");
  tree.unit("web.service", `[Service]\nEnvironmentFile=${file}\nEnvironmentFile=-${join(tree.dir, "missing")}\nExecStart=/bin/sh -c 'printf "%%s|" "$H" "$G" "$Q" "$S" "$C" > ${seen}; exec sleep 1000'\n`);
  expect((await tree.goetia("start", "web")).code).toBe(0);
  expect(await pollUntil(() => existsSync(seen), 10_000)).toBe(true);
  expect(readFileSync(seen, "utf8")).toBe(`$(touch ${marker})|two words|a "quoted" $HOME|single $(id)|ad|`);
  expect(existsSync(marker)).toBe(false);
});

test("DynamicUser=yes is left out, saying why, never run as root", async () => {
  const seen = join(tree.dir, "seen");
  tree.unit("dyn.service", `[Service]\nDynamicUser=yes\nExecStart=/bin/sh -c 'id -u > ${seen}; exec sleep 1000'\n`);
  const listing = await tree.goetia("units");
  expect(listing.out).toMatch(/dyn\.service +not made: DynamicUser=yes: goetia makes no transient users/);
  expect((await tree.goetia("start", "units")).code).toBe(0);
  expect(existsSync(seen)).toBe(false);
});

test("Group= alone runs the daemon with that group and no other of root's; an empty User= is root, as systemd has it", async () => {
  const alone = join(tree.dir, "alone");
  const empty = join(tree.dir, "empty");
  tree.unit("grouped.service", `[Service]\nGroup=nogroup\nExecStart=/bin/sh -c 'echo "$(id -u) $(id -g) $(id -G)" > ${alone}; exec sleep 1000'\n`);
  tree.unit("blank.service", `[Service]\nUser=\nExecStart=/bin/sh -c 'id -u > ${empty}; exec sleep 1000'\n`);
  expect((await tree.goetia("start", "grouped", "blank")).code).toBe(0);
  expect(await pollUntil(() => existsSync(alone) && existsSync(empty), 10_000)).toBe(true);
  const nogroup = statSync("/proc/self").gid === 0 ? Number(Bun.spawnSync(["getent", "group", "nogroup"]).stdout.toString().split(":")[2]) : NaN;
  expect(readFileSync(alone, "utf8").trim()).toBe(`0 ${nogroup} ${nogroup}`);
  expect(readFileSync(empty, "utf8").trim()).toBe("0");
});

test("RestartPreventExitStatus=: an exit it lists is not restarted, whatever Restart= says", async () => {
  const starts = join(tree.dir, "starts");
  writeFileSync(starts, "");
  tree.unit("picky.service", `[Service]\nRestart=always\nRestartSec=100ms\nRestartPreventExitStatus=3 SIGUSR2\nExecStart=/bin/sh -c 'echo start >> ${starts}; sleep 0.5; exit 3'\n`);
  expect((await tree.goetia("start", "picky")).code).toBe(0);
  expect(await tree.stateOnceIs("picky", "ended")).toBe("ended");
  await Bun.sleep(1000); // Restart= always would have started it again by now
  expect(readFileSync(starts, "utf8")).toBe("start\n");
});

test("a StateDirectory= is made the daemon's all through, as systemd does, never through a link the daemon's user made", async () => {
  const name = `goetia-test-${process.pid}`;
  const state = join("/var/lib", name);
  const precious = tree.file("precious", "root's\n");
  try {
    mkdirSync(join(state, "deep"), { recursive: true });
    writeFileSync(join(state, "deep", "file"), "");
    symlinkSync(precious, join(state, "link"));
    tree.unit("stateful.service", `[Service]\nUser=nobody\nGroup=nogroup\nStateDirectory=${name}\nExecStart=/bin/sleep 1000\n`);
    expect((await tree.goetia("start", "stateful")).code).toBe(0);
    expect([statSync(state).uid, statSync(join(state, "deep", "file")).uid]).toEqual([65534, 65534]);
    expect(statSync(precious).uid).toBe(0);
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});
