// A user's tree on the booted test system, started by root for alice: its
// processes run as alice, with her groups; a second start is refused;
// user-shutdown ends it and leaves the system tree as it was.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { ask, bootToPrompt, buildImage, eventually, killGuests, powerOff } from "../helpers/guest.ts";

setDefaultTimeout(300_000);
afterEach(killGuests);

const ALICE = "home/alice/.config/goetia/main/src";
const AS_ALICE = "USER=alice USERTREE=main";

test("root starts alice's tree: it runs as alice, with her groups; user-shutdown ends it", async () => {
  const image = buildImage("user-tree", {
    "etc/passwd": "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n",
    "etc/group": "root:x:0:\ntty:x:5:\naudio:x:29:alice\nalice:x:1000:\n",
    // The image is packed as root's: her home made hers at boot.
    "etc/goetia/system/src/mine/homes/type": "oneshot\n",
    "etc/goetia/system/src/mine/homes/up": "chown -R alice:alice /home/alice\n",
    "etc/goetia/system/src/base/default/contents": "hostname\nsyslogd\nconsole-shell\nhomes\n",
    [`${ALICE}/sleeper/type`]: "longrun\n",
    [`${ALICE}/sleeper/run`]: "#!/bin/sh\nexec sleep 4321\n",
    [`${ALICE}/default/type`]: "bundle\n",
    [`${ALICE}/default/contents`]: "sleeper\n",
  });
  const g = await bootToPrompt(image);
  await g.waitFor(/goetia: bundle default up/);
  g.type(`${AS_ALICE} user-init >/tmp/user-init.log 2>&1 &`);
  const sleeper = "grep -l 'sleep.432[1]' /proc/[0-9]*/cmdline | head -n 1 | cut -d/ -f3";
  expect(await ask(g, "RUNNING", eventually(`${sleeper} | grep -c .`))).toBe("1");
  expect(await ask(g, "UID", `awk '/^Uid/ { print $2 }' /proc/$(${sleeper})/status`)).toBe("1000");
  expect(await ask(g, "GROUPS", `awk '/^Groups/ { print $2, $3 }' /proc/$(${sleeper})/status`)).toBe("29 1000");
  expect(await ask(g, "SVSCAN", "stat -c %U /run/user/alice/main/goetia/state")).toBe("alice");
  expect(await ask(g, "STATUS", `${AS_ALICE} goetia status sleeper | grep -c 'sleeper  *longrun  *up'`)).toBe("1");
  expect(await ask(g, "AGAIN", `${AS_ALICE} user-init 2>&1 | grep -c 'already runs'`)).toBe("1");
  expect(await ask(g, "DOWN", `${AS_ALICE} user-shutdown >/dev/null 2>&1; echo $?`)).toBe("0");
  expect(await ask(g, "GONE", `${sleeper} | grep -c .`)).toBe("0");
  expect(await ask(g, "SYSTEM", "goetia status syslogd | grep -c 'syslogd  *longrun  *up'")).toBe("1");
  await powerOff(g);
});
