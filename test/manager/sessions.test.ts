// The session hook's logic (/usr/lib/goetia/session, which pam_goetia runs)
// on a real s6-svscan: the first login of a user makes the runtime
// directory and puts the user's tree in the sessions' scandir, once however
// many log in at once; the last logout takes it out and the runtime
// directory with it, unless the user lingers; a login whose process has
// gone is not counted. nobody stands for the user: their tree cannot start
// here (no home), which is the QEMU test's part, not this one's.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pollUntil } from "../../src/lib/poll.ts";
import { isScanned } from "../../src/s6/svscan.ts";
import { ROOT } from "../helpers/guest.ts";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

const HELPER = join(ROOT, "initramfs/install/usr/lib/goetia/session");
const NOBODY = 65534;

let tree: HostTree;
let scandir: string;
let env: Record<string, string>;
beforeEach(async () => {
  tree = await new HostTree().start();
  ({ scandir, env } = tree.sessions());
});
afterEach(async () => {
  Bun.spawnSync(["s6-svscanctl", "-t", scandir]);
  await tree.stop();
});

const session = (action: string, pid: number, user = "nobody", sessionTree = "main") =>
  Bun.spawn([HELPER, action, user, sessionTree, String(pid)], { env, stdout: "pipe", stderr: "pipe" });
async function run(action: string, pid: number, user?: string, sessionTree?: string): Promise<{ code: number; err: string }> {
  const child = session(action, pid, user, sessionTree);
  const [err, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
  return { code, err };
}

/** A process standing for a login, alive until killed. */
const login = () => Bun.spawn(["sleep", "600"]);
const runtime = () => join(tree.dir, "user", String(NOBODY));
const trees = () => (existsSync(scandir) ? readdirSync(scandir).filter((name) => !name.startsWith(".")).sort() : []);

test("logins at once: one tree, the runtime directory the user's alone; the last logout takes both away", async () => {
  const logins = Array.from({ length: 6 }, login);
  const opened = await Promise.all(logins.map((l) => run("open", l.pid)));
  expect(opened.map((o) => o.code)).toEqual([0, 0, 0, 0, 0, 0]);
  expect(trees()).toEqual(["nobody:main"]);
  const dir = statSync(runtime());
  expect([dir.uid, (dir.mode & 0o777).toString(8)]).toEqual([NOBODY, "700"]);
  expect(await pollUntil(() => existsSync(join(scandir, "nobody:main", "supervise")), 10_000)).toBe(true); // supervised

  for (const l of logins.slice(1)) expect((await run("close", l.pid)).code).toBe(0);
  expect(trees()).toEqual(["nobody:main"]); // one login is still there
  expect((await run("close", logins[0].pid)).code).toBe(0);
  expect(trees()).toEqual([]);
  expect(existsSync(runtime())).toBe(false);
  for (const l of logins) l.kill();
});

test("a login whose process has gone without closing is not counted", async () => {
  const gone = login();
  const staying = login();
  expect((await run("open", gone.pid)).code).toBe(0);
  expect((await run("open", staying.pid)).code).toBe(0);
  gone.kill();
  await gone.exited;
  expect((await run("close", staying.pid)).code).toBe(0);
  expect(trees()).toEqual([]);
  staying.kill();
});

test("a lingering user keeps the tree and the runtime directory after the last logout", async () => {
  mkdirSync(join(tree.dir, "linger"), { recursive: true });
  writeFileSync(join(tree.dir, "linger", "nobody"), "");
  const l = login();
  expect((await run("open", l.pid)).code).toBe(0);
  expect((await run("close", l.pid)).code).toBe(0);
  expect(trees()).toEqual(["nobody:main"]);
  expect(existsSync(runtime())).toBe(true);
  l.kill();
});

test("one tree per name: a login for another tree starts that one too, and each goes with its own last logout", async () => {
  const [a, b] = [login(), login()];
  expect((await run("open", a.pid, "nobody", "main")).code).toBe(0);
  expect((await run("open", b.pid, "nobody", "sshd")).code).toBe(0);
  expect(trees()).toEqual(["nobody:main", "nobody:sshd"]);
  expect((await run("close", b.pid, "nobody", "sshd")).code).toBe(0);
  expect(trees()).toEqual(["nobody:main"]);
  expect(existsSync(runtime())).toBe(true);
  expect((await run("close", a.pid, "nobody", "main")).code).toBe(0);
  expect(trees()).toEqual([]);
  a.kill();
  b.kill();
});

test("bad requests are refused (100), and root's logins make nothing", async () => {
  expect((await run("open", 1, "nobody", "../etc")).code).toBe(100);
  expect((await run("open", 1, "nobody", "a:b")).code).toBe(100);
  expect((await run("shut", 1)).code).toBe(100);
  expect((await run("open", process.pid, "root")).code).toBe(0);
  expect(trees()).toEqual([]);
});

test("a login whose session-tree changed before it closed still closes its tree, and the tree's records go with it", async () => {
  const l = login();
  expect((await run("open", l.pid, "nobody", "work")).code).toBe(0);
  expect(trees()).toEqual(["nobody:work"]);
  expect((await run("close", l.pid, "nobody", "main")).code).toBe(0);
  expect(trees()).toEqual([]);
  expect(readdirSync(join(tree.run, "goetia", "sessions", String(NOBODY))).filter((name) => name !== "lock")).toEqual([]);
  l.kill();
});

test("a tree started with the system runs already: a login starts no second one, and the last logout keeps its runtime directory", async () => {
  chmodSync(tree.dir, 0o755); // nobody passes through to its runtime directory, as through /run
  const own = join(runtime(), "goetia", "main", "service");
  mkdirSync(own, { recursive: true });
  Bun.spawnSync(["chown", "-R", `${NOBODY}:${NOBODY}`, runtime()]);
  chmodSync(runtime(), 0o700);
  const boots = Bun.spawn(["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "s6-svscan", own], { stdout: "ignore", stderr: "ignore" });
  try {
    expect(await pollUntil(() => isScanned(own), 10_000)).toBe(true);
    const l = login();
    expect((await run("open", l.pid)).code).toBe(0);
    expect(trees()).toEqual([]);
    expect((await run("close", l.pid)).code).toBe(0);
    expect(existsSync(own)).toBe(true);
    l.kill();
  } finally {
    Bun.spawnSync(["s6-svscanctl", "-t", own]);
    await boots.exited;
  }
});
