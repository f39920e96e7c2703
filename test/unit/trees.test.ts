// Which tree a command acts on, and whose: accounts read from passwd and
// group, user trees' places, --tree over USERTREE over the system tree.
import { expect, test } from "bun:test";
import { treeOf } from "../../src/cli/args.ts";
import { findAccount, lookupAccount } from "../../src/lib/accounts.ts";

const PASSWD = ["root:x:0:0:root:/root:/bin/sh", "alice:x:1000:1000:Alice:/home/alice:/bin/sh", "broken:x:abc:1:::", "bob:x:1001:100::/home/bob:/bin/sh", ""].join("\n");
const GROUP = ["root:x:0:", "users:x:100:alice", "alice:x:1000:", "audio:x:29:bob,alice", "video:x:44:carol", ""].join("\n");

test("accounts: by name or uid, with every group that lists them, the primary one first", () => {
  expect(findAccount("alice", PASSWD, GROUP)).toEqual({ name: "alice", uid: 1000, gid: 1000, home: "/home/alice", groups: [1000, 100, 29] });
  expect(findAccount(1001, PASSWD, GROUP)).toEqual({ name: "bob", uid: 1001, gid: 100, home: "/home/bob", groups: [100, 29] });
  expect(findAccount("carol", PASSWD, GROUP)).toBeUndefined();
  expect(findAccount("broken", PASSWD, GROUP)).toBeUndefined();
  expect(findAccount(4242, PASSWD, GROUP)).toBeUndefined();
});

test("the tree: --tree, else USERTREE, else the system tree; a user tree is the caller's, or USER's for root", () => {
  expect(treeOf({}, {}).name).toBe("system");
  expect(treeOf({ tree: "system" }, { USERTREE: "work" }).confDir).toBe("/etc/goetia/system");
  const root = lookupAccount(0)!;
  const work = treeOf({}, { USERTREE: "work", GOETIA_USER_RUNDIR: "/tmp/users" });
  expect(work).toMatchObject({
    name: "work",
    owner: root,
    confDir: `${root.home}/.config/goetia/work`,
    runDir: `/tmp/users/${root.uid}/goetia/work`,
    logDir: `${root.home}/.local/state/goetia/work`,
    installedDir: `${root.home}/.config/goetia/work/sv`,
  });
  expect(treeOf({ tree: "play" }, { USERTREE: "work" }).name).toBe("play");
  if (process.getuid!() === 0) {
    const nobody = lookupAccount("nobody")!;
    expect(treeOf({}, { USERTREE: "work", USER: "nobody" }).owner).toEqual(nobody);
    expect(() => treeOf({}, { USERTREE: "work", USER: "no-such-user" })).toThrow("USER: no user named no-such-user");
  }
  expect(() => treeOf({ tree: "../etc" }, {})).toThrow('--tree: bad tree name "../etc"');
  expect(() => treeOf({}, { USERTREE: ".hidden" })).toThrow('USERTREE: bad tree name ".hidden"');
});
