// Finding 5 (doc/security.md): nobody but a daemon tells goetia it is
// ready. The bridge's socket is a file in a folder only root writes, so no
// user can take its name ahead of it; and a READY=1 counts only from the
// daemon or a process of its own (the kernel's credentials), as systemd's
// NotifyAccess=main/all: a user who finds the socket and writes to it
// (anyone may, as to systemd's) changes nothing.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pollUntil } from "../../src/lib/poll.ts";
import { HostTree } from "../helpers/host-tree.ts";
import { asUser, makeUser, removeUser, type User } from "../helpers/users.ts";

setDefaultTimeout(60_000);

const FOLDER = "/run/goetia/notify";
const send = (socket: string, text: string) => [
  "python3",
  "-c",
  `import socket; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.sendto(${JSON.stringify(text)}.encode(), ${JSON.stringify(socket)})`,
];

let tree: HostTree;
let user: User;
beforeEach(async () => {
  tree = await new HostTree().start();
  user = makeUser();
});
afterEach(async () => {
  removeUser(user);
  await tree.stop();
});

const sockets = () => new Set((existsSync(FOLDER) ? readdirSync(FOLDER, { withFileTypes: true }) : []).filter((entry) => entry.isSocket()).map((entry) => entry.name));

test("a user's READY=1 on a daemon's socket does not make it ready; the daemon's own child's does", async () => {
  // A daemon that forks a worker, which tells READY=1 once told to go (a file appears).
  const go = join(tree.dir, "go");
  const daemon = tree.file(
    "bin/forks-then-notifies",
    `#!/usr/bin/env python3
import os, socket, time
while not os.path.exists("${go}"): time.sleep(0.05)
if os.fork() == 0:
    socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"READY=1\\n", os.environ["NOTIFY_SOCKET"])
    os._exit(0)
time.sleep(1000)
`,
  );
  tree.service("late", { type: "longrun\n", "sd-notify": "", "timeout-up": "30000\n", run: `#!/bin/sh\nexec ${daemon}\n` });
  const before = sockets();
  const change = tree.spawn("start", "late");
  let fresh: string[] = [];
  expect(await pollUntil(() => (fresh = [...sockets()].filter((name) => !before.has(name))).length === 1, 10_000)).toBe(true);
  const path = join(FOLDER, fresh[0]);
  for (const text of ["READY=1\n", "STATUS=x\nREADY=1"]) {
    const sent = Bun.spawnSync(asUser(user, send(path, text)), { stderr: "pipe" });
    expect([sent.exitCode, sent.stderr.toString()]).toEqual([0, ""]); // it reached the socket
  }
  await Bun.sleep(1500); // the bridge wakes each second at the latest: time to take a forged line, were it taken
  expect((await tree.statusRows()).find((row) => row.name === "late")?.state).toBe("starting");
  await Bun.write(go, "");
  expect(await change.exited).toBe(0);
  expect((await tree.statusRows()).find((row) => row.name === "late")?.state).toBe("up");
});

test("no user can make a name in the sockets' folder, to take it ahead of a daemon", async () => {
  tree.service("any", { type: "longrun\n", "sd-notify": "", "timeout-up": "300\n", run: "#!/bin/sh\nexec sleep 1000\n" });
  await tree.goetia("start", "any"); // the bridge makes its folder
  const made = Bun.spawnSync(asUser(user, ["sh", "-c", `: > ${FOLDER}/99999`]), { stderr: "pipe" });
  expect(made.exitCode).not.toBe(0);
  expect(made.stderr.toString()).toContain("Permission denied");
});
