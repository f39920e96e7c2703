// Health checks on a real s6-svscan: a check that keeps failing restarts
// the daemon and counts toward its restart policy, one that passes again is
// shown passing, one that hangs is killed after its timeout, and the loop
// ends with the daemon it watched.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readlinkSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { readIfExists } from "../../src/lib/files.ts";
import { pollUntil } from "../../src/lib/poll.ts";
import { processesNaming } from "../../src/lib/proc.ts";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
});
afterEach(() => tree.stop());

/** A daemon that marks each start in the event log, and a check that fails while the file `sick` exists in the tree's folder (or does what check says). */
function checked(name: string, files: Record<string, string>, check = `[ ! -e ${tree.dir}/sick ]`): void {
  const started = `echo "${name} started $(date +%s%N)" >> ${tree.events}`;
  tree.service(name, { type: "longrun\n", run: `#!/bin/sh\n${started}\nexec sleep 1000\n`, check: `#!/bin/sh\n${check}\n`, ...files });
}

const row = async (name: string) => (await tree.statusRows()).find((r) => r.name === name)!;
/** Waits (30 s at most) for the service's status to say text. */
async function detailSays(name: string, text: string): Promise<boolean> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await Bun.sleep(100)) if ((await row(name)).detail.includes(text)) return true;
  return false;
}

test("a failing check is shown failing, with its exit and how many in a row; passing again, passing", async () => {
  checked("web", { "check-interval": "100\n", "check-failures": "1000\n" });
  expect((await tree.goetia("start", "web")).code).toBe(0);
  expect(await detailSays("web", "last check passed")).toBe(true);
  writeFileSync(join(tree.dir, "sick"), "");
  expect(await detailSays("web", "last check failed")).toBe(true);
  expect((await row("web")).detail).toMatch(/^up in \d+ ms; last check failed \d+s ago \(exited 1\), \d+ of 1000 in a row$/);
  rmSync(join(tree.dir, "sick"));
  expect(await detailSays("web", "last check passed")).toBe(true);
  expect(tree.count("web", "started")).toBe(1);
});

test("a check failing check-failures times in a row restarts the daemon, saying so in its log", async () => {
  // The first three checks fail, every later one passes: one restart, and the new daemon's checks pass.
  const runs = join(tree.dir, "checks");
  checked("web", { "check-interval": "100\n", "check-failures": "3\n" }, `echo >> ${runs}; [ "$(wc -l < ${runs})" -gt 3 ]`);
  expect((await tree.goetia("start", "web")).code).toBe(0);
  const firstPid = (await row("web")).pid;
  expect(await pollUntil(() => tree.count("web", "started") === 2, 30_000)).toBe(true);
  expect(await detailSays("web", "last check passed")).toBe(true);
  const after = await row("web");
  expect(after.state).toBe("up");
  expect(after.pid).not.toBe(firstPid);
  expect(tree.count("web", "started")).toBe(2);
  const said = "goetia: web: its health check failed 3 times in a row, the last one exited 1: restarting it";
  expect(await pollUntil(() => logOf("web").includes(said), 10_000)).toBe(true);
});

test("the restarts a check makes count toward the restart policy: given up after its limit", async () => {
  writeFileSync(join(tree.dir, "sick"), "");
  checked("web", { "check-interval": "300\n", "check-failures": "1\n", "restart-limit-count": "2\n", "restart-delay": "100\n" });
  expect((await tree.goetia("start", "web")).code).toBe(0);
  expect(await pollUntil(() => existsSync(join(tree.run, "service", "web", "gave-up")), 30_000)).toBe(true);
  expect((await row("web")).state).toBe("failed");
  expect((await row("web")).detail).toMatch(/^gave up after 3 deaths in 10 s, the last one killed by signal 15/);
});

test("a check that hangs is killed after check-timeout, and counts as failed", async () => {
  checked("hung", { "check-interval": "100\n", "check-timeout": "1000\n", "check-failures": "5\n" }, "exec sleep 1000");
  expect((await tree.goetia("start", "hung")).code).toBe(0);
  expect(await detailSays("hung", "last check failed")).toBe(true);
  expect((await row("hung")).detail).toMatch(/\(killed after 1000 ms\), 1 of 5 in a row/);
});

test("the loop ends with its daemon: none is left once the service is stopped", async () => {
  checked("web", { "check-interval": "100\n" });
  expect((await tree.goetia("start", "web")).code).toBe(0);
  const loop = join(realpathSync(join(tree.run, "service", "web")), "health-check");
  expect(await detailSays("web", "last check passed")).toBe(true);
  expect(loopsRunning(loop)).toBe(1);
  expect((await tree.goetia("stop", "web")).code).toBe(0);
  expect(await pollUntil(() => loopsRunning(loop) === 0, 10_000)).toBe(true);
});

test("bad check files are refused, naming the file", async () => {
  tree.service("nocheck", { type: "longrun\n", run: "#!/bin/sh\nexec sleep 1000\n", "check-interval": "100\n" });
  tree.service("zero", { type: "longrun\n", run: "#!/bin/sh\nexec sleep 1000\n", check: "#!/bin/sh\n", "check-failures": "0\n" });
  const run = await tree.goetia("compile");
  expect(run.out).toContain("service nocheck: ");
  expect(run.out).toContain("nocheck/check-interval: there is no check file to run");
  expect(run.out).toContain("zero/check-failures: 0 failures would restart it before any check: at least 1");
});

/** What the service's logger wrote, its lines stamped. */
const logOf = (name: string) => readIfExists(join(tree.dir, "log", name, "current")) ?? "";

/** The loop's shell runs as `/bin/sh ./health-check PID` in the service directory: counted by its cwd. */
function loopsRunning(loop: string): number {
  return processesNaming("./health-check").filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/cwd`) === dirname(loop);
    } catch {
      return false;
    }
  }).length;
}
