// Finding 4 (doc/security.md): no user but the tree's owner can take a lock
// goetia waits on. flock(2) works on a read-only descriptor, so a lock file
// others can open is a lock others can hold: goetia's are 0600, and one
// left readable (an older goetia's 0644) is replaced, so that a user who
// opened it before cannot hold up root's next change or compile.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pollUntil } from "../../src/lib/poll.ts";
import { HostTree } from "../helpers/host-tree.ts";
import { asUser, makeUser, removeUser, type User } from "../helpers/users.ts";

setDefaultTimeout(60_000);

let tree: HostTree;
let user: User;
beforeEach(async () => {
  tree = await new HostTree().start();
  chmodSync(tree.dir, 0o755); // others may pass, as through /run and /etc
  tree.oneshot("one");
  user = makeUser();
});
afterEach(async () => {
  removeUser(user);
  await tree.stop();
});

const locks = () => [join(tree.run, "goetia", "lock"), join(tree.conf, ".lock")];

test("goetia's locks are root's alone: a user cannot open them to flock", async () => {
  expect((await tree.goetia("start", "one")).code).toBe(0);
  for (const lock of locks()) {
    expect((statSync(lock).mode & 0o777).toString(8)).toBe("600");
    const held = Bun.spawnSync(asUser(user, ["flock", "-n", "-s", lock, "true"]), { stderr: "pipe" });
    expect(held.exitCode).not.toBe(0);
    expect(held.stderr.toString()).toContain("Permission denied");
  }
});

test("a user holding a lock file left readable by an older goetia holds up no change and no compile", async () => {
  expect((await tree.goetia("start", "one")).code).toBe(0);
  expect((await tree.goetia("stop", "one")).code).toBe(0);
  const holders = locks().map((lock) => {
    writeFileSync(lock, "");
    chmodSync(lock, 0o644);
    return Bun.spawn(asUser(user, ["flock", "-s", lock, "sleep", "600"]));
  });
  // Both held (a shared flock on each, which excludes root's exclusive one) before root asks.
  expect(await pollUntil(() => locks().every((lock) => Bun.spawnSync(["flock", "-n", "-x", lock, "true"]).exitCode !== 0), 10_000)).toBe(true);
  tree.oneshot("two"); // a new source: update compiles it, under the database lock, and takes it live, under the change lock
  const updated = await tree.goetia("update");
  expect([updated.code, updated.out]).toEqual([0, expect.any(String)]);
  const started = await tree.goetia("start", "-t", "20000", "one", "two");
  expect(started.out).not.toContain("another change is running");
  expect(started.code).toBe(0);
  expect(tree.happened("two", "up-end")).toBe(true);
  for (const lock of locks()) expect((statSync(lock).mode & 0o777).toString(8)).toBe("600");
  for (const holder of holders) holder.kill();
});
