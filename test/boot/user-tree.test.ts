// Users' trees on the booted test system: started by hand (root for alice),
// and started at boot from the system tree (user-tree@USER:USERTREE), each
// running as its owner; one ended by its owner leaves the others; users kept
// out of what is not theirs; a killed tree restarted; poweroff takes the
// trees down before what they need, and leaves nothing of them behind.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { ask, bootToPrompt, buildImage, eventually, eventuallyNone, killGuests, powerOff } from "../helpers/guest.ts";

setDefaultTimeout(300_000);
afterEach(killGuests);

const SYSTEM = "etc/goetia/system/src/base";
const USERS = {
  "etc/passwd": "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\nbob:x:1001:1001:Bob:/home/bob:/bin/sh\n",
  "etc/group": "root:x:0:\ntty:x:5:\naudio:x:29:alice\nvideo:x:44:bob\nalice:x:1000:\nbob:x:1001:\n",
  // The image is packed as root's: homes made their owners' before any tree starts.
  [`${SYSTEM}/homes/type`]: "oneshot\n",
  [`${SYSTEM}/homes/up`]: "/usr/local/bin/own-homes\n",
  "usr/local/bin/own-homes": '#!/bin/sh\nfor home in /home/*; do chown -R "${home##*/}:${home##*/}" "$home" || exit; done\n',
};

/** A tree's sources: a bundle default of one longrun, `sleep SECONDS` (a number to find it by). */
function sleeperTree(owner: string, tree: string, seconds: number): Record<string, string> {
  const src = `home/${owner}/.config/goetia/${tree}/src`;
  return {
    [`${src}/sleeper/type`]: "longrun\n",
    [`${src}/sleeper/run`]: `#!/bin/sh\nexec sleep ${seconds}\n`,
    [`${src}/default/type`]: "bundle\n",
    [`${src}/default/contents`]: "sleeper\n",
  };
}

/** The pid of the process running `sleep SECONDS`, if any. */
const pidOf = (seconds: number) => `grep -l '^sleep.${seconds}' /proc/[0-9]*/cmdline 2>/dev/null | head -n 1 | cut -d/ -f3`;
/** Uid and groups of that process, "1000 29 1000". */
const idsOf = (seconds: number) => `awk '/^Uid/ { u = $2 } /^Groups/ { $1 = ""; g = $0 } END { print u g }' /proc/$(${pidOf(seconds)})/status`;

test("root starts alice's tree by hand: it runs as alice, with her groups; user-shutdown ends it", async () => {
  const image = buildImage("user-tree", {
    ...USERS,
    [`${SYSTEM}/default/contents`]: "hostname\nsyslogd\nconsole-shell\nhomes\n",
    ...sleeperTree("alice", "main", 4321),
  });
  const g = await bootToPrompt(image);
  await g.waitFor(/goetia: bundle default up/);
  g.type("USER=alice USERTREE=main user-init >/tmp/user-init.log 2>&1 &");
  expect(await ask(g, "RUNNING", eventually(`${pidOf(4321)} | grep -c .`))).toBe("1");
  expect(await ask(g, "IDS", idsOf(4321))).toBe("1000 29 1000");
  expect(await ask(g, "OWNER", "stat -c %U /run/user/1000/goetia/main/goetia/state")).toBe("alice");
  expect(await ask(g, "STATUS", "USER=alice USERTREE=main goetia status sleeper | grep -c 'sleeper  *longrun  *up'")).toBe("1");
  expect(await ask(g, "AGAIN", "USER=alice USERTREE=main user-init 2>&1 | grep -c 'already runs'")).toBe("1");
  expect(await ask(g, "DOWN", "USER=alice USERTREE=main user-shutdown >/dev/null 2>&1; echo $?")).toBe("0");
  expect(await ask(g, "GONE", eventuallyNone(`${pidOf(4321)} | grep -c .`))).toBe("0");
  expect(await ask(g, "SYSTEM", "goetia status syslogd | grep -c 'syslogd  *longrun  *up'")).toBe("1");
  await powerOff(g);
});

test("trees started at boot by the system tree: their owners', apart, restarted when killed, down first at poweroff", async () => {
  const image = buildImage("user-trees", {
    ...USERS,
    [`${SYSTEM}/user-trees/contents`]: "user-tree@alice:main\nuser-tree@alice:work\nuser-tree@bob:main\n",
    [`${SYSTEM}/user-tree-needs/contents`]: "hostname\nsyslogd\nhomes\nusers-left\n",
    // Goes down after every user tree (they need it): says how many of their processes are left.
    [`${SYSTEM}/users-left/type`]: "oneshot\n",
    [`${SYSTEM}/users-left/up`]: "true\n",
    [`${SYSTEM}/users-left/down`]: "/usr/local/bin/users-left\n",
    "usr/local/bin/users-left": [
      "#!/bin/sh",
      "n=0",
      "for status in /proc/[0-9]*/status; do",
      "  awk '/^State:/ { z = $2 == \"Z\" } /^Uid:/ { u = $2 } END { exit !(!z && (u == 1000 || u == 1001)) }' \"$status\" 2>/dev/null && n=$((n + 1))",
      "done",
      "echo \"users-left: $n processes of alice and bob\" >/dev/console",
      "",
    ].join("\n"),
    ...sleeperTree("alice", "main", 5101),
    ...sleeperTree("alice", "work", 5102),
    ...sleeperTree("bob", "main", 5201),
  });
  const g = await bootToPrompt(image);
  await g.waitFor(/goetia: bundle default up/);
  for (const seconds of [5101, 5102, 5201]) expect(await ask(g, `RUNNING${seconds}`, eventually(`${pidOf(seconds)} | grep -c .`))).toBe("1");
  expect(await ask(g, "ALICE", idsOf(5101))).toBe("1000 29 1000");
  expect(await ask(g, "ALICEWORK", idsOf(5102))).toBe("1000 29 1000");
  expect(await ask(g, "BOB", idsOf(5201))).toBe("1001 44 1001");
  // Every process of bob's tree is bob's: its s6-svscan, supervisors, logger and service.
  const bobsTree = "for p in /proc/[0-9]*; do grep -q /run/user/1001/goetia/main $p/cmdline 2>/dev/null && awk '/^Uid/ { print $2 }' $p/status; done | sort -u | tr '\\n' ' '";
  expect(await ask(g, "BOBSTREE", bobsTree)).toBe("1001");

  // Kept out: the system tree, another user's tree, /run/system, the system's configuration; a tree that runs cannot be started twice.
  const asAlice = (command: string) => `su alice -c '${command}' 2>&1`;
  /** How many of its lines say why, and that it exited 1: 2 when alice is refused as she should be. */
  const refused = (command: string, why: string) => `${asAlice(`${command}; echo exit $?`)} | grep -c -e '${why}' -e '^exit 1$'`;
  expect(await ask(g, "STOPSYSTEM", refused("goetia stop syslogd", "only root may change the system tree"))).toBe("2");
  expect(await ask(g, "BOBS", refused("USER=bob USERTREE=main goetia stop sleeper", "only bob or root may act on bob.s trees"))).toBe("2");
  const writes = ["touch /run/system/mine", "touch /run/system/goetia/lock", "mkdir /etc/goetia/system/src/mine", "touch /run/user/1001/goetia/main/mine"];
  expect(await ask(g, "WRITE", asAlice(writes.map((write) => `${write} || echo refused`).join("; ")) + " | grep -c refused")).toBe(String(writes.length));
  expect(await ask(g, "TWICE", asAlice("USERTREE=main user-init") + " | grep -c 'main already runs'")).toBe("1");

  // alice ends her work tree: the others run on, and the system tree does not start it again.
  expect(await ask(g, "WORKDOWN", asAlice("USERTREE=work user-shutdown >/dev/null; echo $?"))).toBe("0");
  expect(await ask(g, "WORKGONE", eventuallyNone(`${pidOf(5102)} | grep -c .`))).toBe("0");
  expect(await ask(g, "OTHERS", `{ ${pidOf(5101)}; ${pidOf(5201)}; } | grep -c .`)).toBe("2");
  expect(await ask(g, "ENDED", eventually("goetia status user-tree@alice:work | grep -c ' ended '"))).toBe("1");

  // bob's s6-svscan killed: the system tree starts his tree again.
  const before = await ask(g, "BEFORE", pidOf(5201));
  g.type("kill -KILL $(grep -l '^s6-svscan.*/run/user/1001/goetia/main' /proc/[0-9]*/cmdline | cut -d/ -f3)");
  const again = `${pidOf(5201)} | grep -vx ${before} | grep -c .`;
  expect(await ask(g, "RESTARTED", eventually(again))).toBe("1");
  expect(await ask(g, "OLDGONE", `[ -e /proc/${before} ] && echo alive || echo gone`)).toBe("gone");

  g.type("goetia poweroff");
  expect(await g.exited).toBe(0);
  const out = g.output;
  expect(out).toContain("users-left: 0 processes of alice and bob");
  for (const tree of ["alice:main", "bob:main"]) expect(out.indexOf(`goetia: down user-tree@${tree}`)).toBeLessThan(out.indexOf("goetia: down syslogd"));
});
