// supervision-scripts definitions and the logs goetia keeps, on a real
// s6-svscan: the document's workflow with goetia svcdef (made, versioned,
// installed, enabled, switched, disabled), the template set goetia ships
// run unchanged, the loggers goetia makes (up before their daemon, down
// after it, nothing lost across restarts), and goetia logs.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pollUntil } from "../../src/lib/poll.ts";
import { ROOT } from "../helpers/guest.ts";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
  // The template set the image ships, with a PATH that finds this tree's shims and daemons.
  cpSync(join(ROOT, "initramfs/install/etc/svcdef"), join(tree.dir, "svcdef"), { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(tree.dir, "svcdef/.env/PATH"), `${tree.dir}/sv/.bin:${tree.dir}/bin:/usr/bin:/bin\n`);
  // A foobaz that says how it was started, then stays.
  tree.file("bin/foobaz", '#!/bin/sh\necho "foobaz started with: $*"\nexec sleep 1000\n');
});
afterEach(() => tree.stop());

const goetia = (...args: string[]) => tree.goetia(...args);

async function pidOf(name: string): Promise<number | null> {
  return (await tree.statusRows()).find((row) => row.name === name)?.pid ?? null;
}

/** A process's parent's pid and its own command line. */
function processOf(pid: number): { ppid: number; argv: string[] } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return {
    ppid: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]),
    argv: readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean),
  };
}

const logOf = (name: string) => readFileSync(join(tree.dir, "log", name, "current"), "utf8");

test("the document's walk-through: foobaz defined at 0.9, installed, enabled, switched to 1.0, disabled", async () => {
  const made = await goetia("svcdef", "new", "foobaz", "--daemon", "foobaz", "--opts", "--enable-widget2", "--prelaunch", "pgrphack", "--version", "0.9");
  expect(made.code).toBe(0);
  const def = join(tree.dir, "svcdef/foobaz");
  expect(readlinkSync(join(def, "run"))).toBe("../.bin/run");
  expect(readlinkSync(join(def, "log/run"))).toBe("../../.log/run");
  expect(readlinkSync(join(def, "env"))).toBe("./version/0.9");
  expect(readFileSync(join(def, "version/0.9/DAEMONOPTS"), "utf8")).toBe("--enable-widget2\n");
  // 1.0 comes out, with other switches: made by hand, as the document does.
  mkdirSync(join(def, "version/1.0"));
  writeFileSync(join(def, "version/1.0/DAEMON"), "foobaz\n");
  writeFileSync(join(def, "version/1.0/DAEMONOPTS"), "--enable-widget3\n");
  writeFileSync(join(def, "version/1.0/PRELAUNCH"), "   \n"); // only spaces: no chain loader

  expect((await goetia("svcdef", "install", "foobaz")).code).toBe(0);
  const enabled = await goetia("svcdef", "enable", "foobaz");
  expect(enabled.code).toBe(0);
  expect(enabled.out.indexOf("up foobaz-log")).toBeLessThan(enabled.out.indexOf("starting foobaz (longrun)"));
  expect(readlinkSync(join(tree.dir, "service/foobaz"))).toBe(join(tree.dir, "sv/foobaz"));

  // Running with its options, a direct child of s6-supervise (pgrphack chain-loaded, then gone).
  const pid = (await pidOf("foobaz"))!;
  expect(pid).toBeGreaterThan(0);
  expect(await pollUntil(() => processOf(pid).argv.includes("1000"), 5000)).toBe(true);
  expect(processOf(processOf(pid).ppid).argv[0]).toEndWith("s6-supervise");
  expect(await pollUntil(() => existsSync(join(tree.dir, "log/foobaz/current")) && logOf("foobaz").includes("started with: --enable-widget2"), 10_000)).toBe(true);
  expect(logOf("foobaz")).toMatch(/^@[0-9a-f]{24} foobaz started with: --enable-widget2$/m);

  const logs = await goetia("logs", "foobaz");
  expect(logs.code).toBe(0);
  expect(logs.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} foobaz started with: --enable-widget2$/m);

  // An unknown version is refused, and nothing changes.
  const refused = await goetia("svcdef", "version", "foobaz", "2.0");
  expect(refused.code).toBe(1);
  expect(refused.out).toContain("foobaz has no version 2.0");
  expect(refused.out).toContain("it has 0.9, 1.0");
  expect(readlinkSync(join(tree.dir, "sv/foobaz/env"))).toBe("./version/0.9");
  expect(await pidOf("foobaz")).toBe(pid);

  // 1.0: both copies switched, and the daemon restarted with its new options.
  const switched = await goetia("svcdef", "version", "foobaz", "1.0");
  expect(switched.code).toBe(0);
  expect(readlinkSync(join(def, "env"))).toBe("./version/1.0");
  expect(readlinkSync(join(tree.dir, "sv/foobaz/env"))).toBe("./version/1.0");
  const restarted = (await pidOf("foobaz"))!;
  expect(restarted).not.toBe(pid);
  expect(await pollUntil(() => logOf("foobaz").includes("started with: --enable-widget3"), 10_000)).toBe(true);

  const list = await goetia("svcdef", "list");
  expect(list.stdout).toMatch(/^foobaz\s+1\.0\s+yes\s+yes\s+up$/m);
  const status = await goetia("status", "foobaz");
  expect(status.stdout).toContain("foobaz: the last lines of");
  expect(status.stdout).toContain("foobaz started with: --enable-widget3");

  const disabled = await goetia("svcdef", "disable", "foobaz");
  expect(disabled.code).toBe(0);
  expect(existsSync(join(tree.dir, "service/foobaz"))).toBe(false);
  expect((await tree.statusRows()).find((row) => row.name === "foobaz")?.state).toBe("down");
  expect((await goetia("svcdef", "list")).stdout).toMatch(/^foobaz\s+1\.0\s+yes\s+no\s+down$/m);
});

test("the document's own shell commands, then one goetia command; a per-service PATH over the system-wide one", async () => {
  // By hand, as the document does it, with a PATH of its own that finds another foobaz first.
  const def = join(tree.dir, "svcdef/widget");
  mkdirSync(join(def, "log"), { recursive: true });
  mkdirSync(join(def, "env"));
  symlinkSync("../.bin/run", join(def, "run"));
  symlinkSync("../../.log/run", join(def, "log/run"));
  writeFileSync(join(def, "env/DAEMON"), "foobaz\n");
  writeFileSync(join(def, "env/DAEMONOPTS"), "--mine\n");
  tree.file("other-bin/foobaz", '#!/bin/sh\necho "the other foobaz: $*"\nexec sleep 1000\n');
  writeFileSync(join(def, "env/PATH"), `${tree.dir}/other-bin:/usr/bin:/bin\n`);
  cpSync(join(tree.dir, "svcdef"), join(tree.dir, "sv"), { recursive: true, verbatimSymlinks: true });
  mkdirSync(join(tree.dir, "service"));
  symlinkSync(join(tree.dir, "sv/widget"), join(tree.dir, "service/widget"));

  const run = await goetia("svcdef", "enable", "widget");
  expect(run.code).toBe(0);
  expect(run.out).toContain("widget was enabled already");
  expect(await pollUntil(() => existsSync(join(tree.dir, "log/widget/current")) && logOf("widget").includes("the other foobaz: --mine"), 10_000)).toBe(true);
});

test("a broken definition is named, nothing is half-made, and the rest still runs", async () => {
  expect((await goetia("svcdef", "new", "good", "--daemon", "foobaz")).code).toBe(0);
  const clash = await goetia("svcdef", "new", "good", "--daemon", "foobaz");
  expect(clash.code).toBe(1);
  expect(clash.out).toContain("svcdef/good already exists");
  tree.service("taken", { type: "longrun\n", run: "#!/bin/sh\nexec sleep 1000\n" });
  const taken = await goetia("svcdef", "new", "taken", "--daemon", "foobaz");
  expect(taken.code).toBe(1);
  expect(taken.out).toContain("a service named taken is already defined in");
  expect(existsSync(join(tree.dir, "svcdef/taken"))).toBe(false);

  // No DAEMON: made by hand, installed, refused at enable; the good one runs.
  const broken = join(tree.dir, "svcdef/broken");
  mkdirSync(join(broken, "version/1"), { recursive: true });
  symlinkSync("../.bin/run", join(broken, "run"));
  symlinkSync("./version/1", join(broken, "env"));
  expect((await goetia("svcdef", "install", "good")).code).toBe(0);
  const installed = await goetia("svcdef", "install", "broken");
  expect(installed.code).toBe(1);
  expect(installed.out).toContain("service broken: ");
  expect(installed.out).toContain("env/DAEMON (env -> ./version/1): missing or empty");
  const enable = await goetia("svcdef", "enable", "broken");
  expect(enable.code).toBe(1);
  expect(existsSync(join(tree.dir, "service/broken"))).toBe(false);
  expect((await goetia("svcdef", "enable", "good")).code).toBe(0);
  expect(await pidOf("good")).toBeGreaterThan(0);
  expect(lstatSync(join(tree.dir, "service/good")).isSymbolicLink()).toBe(true);
});

test("the published tree's versions: env -> data/version/current -> ./3.1.13, switched where the choice is made", async () => {
  const def = join(tree.dir, "svcdef/pub");
  for (const version of ["3.1.13", "3.2.0"]) {
    mkdirSync(join(def, "data/version", version), { recursive: true });
    writeFileSync(join(def, "data/version", version, "DAEMON"), "foobaz\n");
  }
  symlinkSync("./3.1.13", join(def, "data/version/current"));
  symlinkSync("data/version/current", join(def, "env"));
  symlinkSync("../.bin/run", join(def, "run"));
  expect((await goetia("svcdef", "install", "pub")).code).toBe(0);
  expect((await goetia("svcdef", "list")).stdout).toMatch(/^pub\s+3\.1\.13\s+yes\s+no\s+down$/m);
  const refused = await goetia("svcdef", "version", "pub", "4.0");
  expect(refused.out).toContain(`pub has no version 4.0 in ${def}/data/version: it has 3.1.13, 3.2.0`);
  expect((await goetia("svcdef", "version", "pub", "3.2.0")).code).toBe(0);
  for (const copy of [def, join(tree.dir, "sv/pub")]) {
    expect(readlinkSync(join(copy, "data/version/current"))).toBe("./3.2.0");
    expect(readlinkSync(join(copy, "env"))).toBe("data/version/current");
  }
});

test("goetia's logger for a longrun: up before it, down after it, nothing lost across restarts of either", async () => {
  const counter = join(tree.dir, "counter");
  tree.service("talker", {
    type: "longrun\n",
    run: `#!/bin/sh\nn=$(cat ${counter} 2>/dev/null || echo 0)\nwhile :; do n=$((n + 1)); echo "line $n"; echo "$n" > ${counter}; sleep 0.005; done\n`,
  });
  tree.service("quiet", { type: "longrun\n", run: "#!/bin/sh\nexec sleep 1000\n", "no-log": "" });
  const up = await goetia("start", "talker", "quiet");
  expect(up.code).toBe(0);
  expect(up.out.indexOf("up talker-log")).toBeLessThan(up.out.indexOf("starting talker (longrun)"));
  expect(up.out).not.toContain("quiet-log");

  // The daemon killed twice, the logger once, while lines keep coming.
  for (const target of ["talker", "talker-log", "talker"]) {
    await Bun.sleep(300);
    Bun.spawnSync(["s6-svc", "-k", join(tree.run, "goetia/servicedirs", target)]);
  }
  await Bun.sleep(500);
  const stop = await goetia("stop", "talker-log");
  expect(stop.out.indexOf("down talker (")).toBeLessThan(stop.out.indexOf("stopping talker-log"));
  const written = Number(readFileSync(counter, "utf8"));
  const logged = new Set(logOf("talker").match(/line \d+/g)!.map((line) => Number(line.slice(5))));
  const lost = [...Array(written).keys()].map((i) => i + 1).filter((n) => !logged.has(n));
  expect(written).toBeGreaterThan(20);
  expect(lost).toEqual([]);

  const tail = await goetia("logs", "talker", "-n", "3");
  expect(tail.stdout.trim().split("\n")).toHaveLength(3);
  expect(tail.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} line \d+$/m);
  const quiet = await goetia("logs", "quiet");
  expect(quiet.out).toContain("quiet has no logger (no-log): its output is in the catch-all log");
});

test("a definition goetia did not install nor was told to use is not adopted: runit's /etc/sv/ssh on Debian", async () => {
  // openssh-server's, as Debian ships it for runit: its run needs runit's own programs.
  cpSync(join(tree.dir, "svcdef"), join(tree.dir, "sv"), { recursive: true, verbatimSymlinks: true });
  tree.file("sv/ssh/run", "#!/usr/bin/env /lib/runit/invoke-run\nexec /usr/sbin/sshd -D\n");
  expect((await goetia("svcdef", "new", "mine", "--daemon", "foobaz")).code).toBe(0);
  expect((await goetia("svcdef", "install", "mine")).code).toBe(0);
  const list = (await goetia("list")).out;
  expect(list).toContain("mine\tlongrun");
  expect(list).not.toContain("ssh");
  const start = await goetia("start", "ssh");
  expect(start.code).not.toBe(0);
  expect(start.out).toContain("ssh");
  // Told to use, by a link in the enabled folder, it is one.
  mkdirSync(join(tree.dir, "service"), { recursive: true });
  symlinkSync(join(tree.dir, "sv/ssh"), join(tree.dir, "service/ssh"));
  await goetia("update");
  expect((await goetia("list")).out).toContain("ssh\tlongrun");
});
