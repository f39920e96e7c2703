// Findings 2, 3 and 6 (doc/security.md), and the profile's reach: what a
// login hands root is the user's own, and root handles it as data. The real
// pam_goetia runs in a real PAM stack (/etc/pam.d/goetia-test-PID, its
// helper a recorder), for a throwaway user whose session-tree is hostile:
// a shell payload, a fifo, a huge file, a link to another's file. Then the
// real session hook, as root under umask 000, on a real s6-svscan.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, existsSync, lchownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pollUntil } from "../../src/lib/poll.ts";
import { badTreeNameReason } from "../../src/lib/names.ts";
import { ROOT } from "../helpers/guest.ts";
import { random } from "../helpers/random.ts";
import { HostTree } from "../helpers/host-tree.ts";
import { makeUser, removeUser, type User } from "../helpers/users.ts";

setDefaultTimeout(60_000);

const MODULE = join(ROOT, "build/pam_goetia.so");
const SERVICE = `goetia-test-${process.pid}`;
let dir: string;
let client: string;
let recorder: string;
let user: User;
let system: User;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "goetia-pam-"));
  chmodSync(dir, 0o755);
  client = join(dir, "pam-session");
  const gcc = Bun.spawnSync(["gcc", "-Wall", "-Werror", "-o", client, join(ROOT, "test/helpers/pam-session.c"), "-lpam"], { stderr: "pipe" });
  if (gcc.exitCode !== 0) throw new Error(`cannot build the PAM client: ${gcc.stderr}`);
  recorder = join(dir, "record");
  writeFileSync(recorder, `#!/bin/sh\necho "$*" >> ${join(dir, "calls")}\n`, { mode: 0o755 });
  writeFileSync(`/etc/pam.d/${SERVICE}`, `session optional ${MODULE} helper=${recorder}\n`);
  user = makeUser();
  system = makeUser();
  Bun.spawnSync(["usermod", "--shell", "/usr/sbin/nologin", system.name]);
});
afterAll(() => {
  rmSync(`/etc/pam.d/${SERVICE}`, { force: true });
  removeUser(user);
  removeUser(system);
  rmSync(dir, { recursive: true, force: true });
});

/** A login of who's, its session opened and closed; the helper's calls it made. */
async function login(who: User): Promise<string[]> {
  rmSync(join(dir, "calls"), { force: true });
  const child = Bun.spawn([client, SERVICE, who.name], { stdout: "pipe", stderr: "pipe" });
  const ended = await Promise.race([child.exited, Bun.sleep(30_000).then(() => "hung")]);
  if (ended === "hung") child.kill("SIGKILL");
  expect(ended).toBe(0);
  return existsSync(join(dir, "calls")) ? readFileSync(join(dir, "calls"), "utf8").trim().split("\n") : [];
}

/** Puts what into the user's session-tree, made by make as the user would (their file, in their folder). */
function setting(make: (path: string) => void): void {
  const folder = join(user.home, ".config", "goetia");
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  make(join(folder, "session-tree"));
  for (const path of [join(user.home, ".config"), folder, join(folder, "session-tree")]) lchownSync(path, user.uid, user.gid);
}

test("an ordinary setting names the tree", async () => {
  setting((path) => writeFileSync(path, "work\n"));
  expect((await login(user)).map((call) => call.split(" ").slice(0, 3).join(" "))).toEqual([`open ${user.name} work`, `close ${user.name} work`]);
});

test.each([
  ["a shell payload", (path: string) => writeFileSync(path, "main;cd;id>x\n")],
  ["a name with a slash", (path: string) => writeFileSync(path, "../../etc\n")],
  ["a fifo, which would block root for ever", (path: string) => Bun.spawnSync(["mkfifo", path])],
  ["a file too big to be a name", (path: string) => writeFileSync(path, "work".repeat(100_000))],
  ["a link to another's file", (path: string) => symlinkSync("/etc/hostname", path)],
])("a session-tree holding %s: the login completes, on the tree main", async (_, make) => {
  setting(make);
  expect((await login(user)).map((call) => call.split(" ").slice(0, 3).join(" "))).toEqual([`open ${user.name} main`, `close ${user.name} main`]);
});

test("fuzzed: random bytes and sizes as session-tree; every login completes, on the name it holds where that is a tree's, else main", async () => {
  const next = random(41);
  for (let round = 0; round < 40; round++) {
    const length = Math.floor(next() ** 3 * 300);
    const bytes = Buffer.from(Array.from({ length }, () => (next() < 0.7 ? "abcXYZ019_.-".charCodeAt(Math.floor(next() * 12)) : Math.floor(next() * 256))));
    setting((path) => writeFileSync(path, bytes));
    const name = bytes.toString("latin1").split("\n")[0].split("\0")[0]; // a C string's first line
    const expected = bytes.length < 80 && badTreeNameReason(name) === undefined ? name : "main";
    const calls = await login(user);
    expect(calls.map((call) => call.split(" ")[2])).toEqual([expected, expected]);
  }
});

test("a user whose home is not there logs in on the tree main", async () => {
  const homeless = makeUser();
  rmSync(homeless.home, { recursive: true, force: true });
  try {
    expect((await login(homeless)).map((call) => call.split(" ").slice(0, 3).join(" "))).toEqual([`open ${homeless.name} main`, `close ${homeless.name} main`]);
  } finally {
    removeUser(homeless);
  }
});

test("an account that cannot log in (a nologin shell: postgres, www-data) gets no tree", async () => {
  expect(await login(system)).toEqual([]);
});

test("the profile is for interactive sessions only, as pam_systemd's: cron, su -c and runuser open no tree", () => {
  const profile = readFileSync(join(ROOT, "initramfs/install/usr/share/pam-configs/goetia"), "utf8");
  expect(profile).toMatch(/^Session-Interactive-Only: yes$/m);
});

test("300 logins at once, then their logouts: none waits past its limit, one tree, and nothing left after", async () => {
  const tree = await new HostTree().start();
  const { scandir, env } = tree.sessions();
  const hook = (action: string, pid: number) => Bun.spawn([join(ROOT, "initramfs/install/usr/lib/goetia/session"), action, user.name, "main", String(pid)], { env, stdout: "ignore", stderr: "pipe" }).exited;
  const logins = Array.from({ length: 300 }, () => Bun.spawn(["sleep", "600"]));
  try {
    expect(new Set(await Promise.all(logins.map((l) => hook("open", l.pid))))).toEqual(new Set([0]));
    expect(readdirSync(scandir).filter((name) => !name.startsWith("."))).toEqual([`${user.name}:main`]);
    expect(new Set(await Promise.all(logins.map((l) => hook("close", l.pid))))).toEqual(new Set([0]));
    expect(readdirSync(scandir).filter((name) => !name.startsWith("."))).toEqual([]);
    expect(existsSync(join(tree.dir, "user", String(user.uid)))).toBe(false);
  } finally {
    for (const l of logins) l.kill();
    Bun.spawnSync(["s6-svscanctl", "-t", scandir]);
    await tree.stop();
  }
});

test("the session hook under umask 000 makes nothing another user can write, and writes the names as data", async () => {
  const tree = await new HostTree().start();
  const { scandir, env } = tree.sessions();
  const hook = join(ROOT, "initramfs/install/usr/lib/goetia/session");
  const sleeper = Bun.spawn(["sleep", "600"]);
  try {
    const opened = Bun.spawnSync(["sh", "-c", `umask 000; exec ${hook} open ${user.name} main ${sleeper.pid}`], { env, stderr: "pipe" });
    expect([opened.exitCode, opened.stderr.toString()]).toEqual([0, ""]);
    const service = join(scandir, `${user.name}:main`);
    expect(readFileSync(join(service, "instance"), "utf8")).toBe(`${user.name}:main\n`);
    // The template's own run and finish, the names never in them.
    const template = join(ROOT, "initramfs/install/etc/goetia/system/src/base/user-tree@");
    for (const script of ["run", "finish"]) expect(readFileSync(join(service, script), "utf8")).toBe(readFileSync(join(template, script), "utf8"));
    const made = [join(tree.run, "goetia", "sessions"), join(tree.dir, "user", String(user.uid)), service, ...["run", "finish", "instance"].map((f) => join(service, f))];
    for (const root of [join(tree.run, "goetia", "sessions", String(user.uid))]) for (const entry of readdirSync(root, { recursive: true, encoding: "utf8" })) made.push(join(root, entry));
    const writable = made.filter((path) => (statSync(path).mode & 0o002) !== 0 || ((statSync(path).mode & 0o020) !== 0 && statSync(path).gid !== 0));
    expect(writable).toEqual([]);
    expect(await pollUntil(() => existsSync(join(service, "supervise")), 10_000)).toBe(true);
  } finally {
    sleeper.kill();
    Bun.spawnSync(["s6-svscanctl", "-t", scandir]);
    await tree.stop();
  }
});
