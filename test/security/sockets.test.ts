// Finding 14 (doc/security.md): the socket maker gives a socket its owner
// without following a link. A user who can write the socket's folder swaps
// a link to a file of root's into the socket's place, again and again,
// while root makes the socket owned by that user: root's file stays root's.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/guest.ts";
import { asUser, makeUser, removeUser, type User } from "../helpers/users.ts";

setDefaultTimeout(60_000);

let dir: string;
let user: User;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "goetia-sockets-"));
  chmodSync(dir, 0o755);
  user = makeUser();
});
afterAll(() => {
  removeUser(user);
  rmSync(dir, { recursive: true, force: true });
});

test("a link swapped in after the bind is never followed by the chown", async () => {
  const shared = join(dir, "shared");
  Bun.spawnSync(["mkdir", "-m", "777", shared]); // a folder anyone writes, without the sticky bit: the unit's choice
  const precious = join(dir, "precious");
  writeFileSync(precious, "root's\n");
  const socket = join(shared, "sock");
  // The moment the socket is there, a link (made beforehand) is renamed over it: one syscall, as fast as a user can be.
  const swap = [
    "import os, stat",
    `socket, link, precious = ${JSON.stringify(socket)}, ${JSON.stringify(socket + ".link")}, ${JSON.stringify(precious)}`,
    "while True:",
    "    try:",
    "        if not os.path.lexists(link): os.symlink(precious, link)",
    "        if stat.S_ISSOCK(os.lstat(socket).st_mode): os.rename(link, socket)",
    "    except OSError: pass",
  ].join("\n");
  const swapper = Bun.spawn(asUser(user, ["python3", "-c", swap]));
  try {
    for (let round = 0; round < 2000; round++) {
      rmSync(socket, { force: true });
      Bun.spawnSync([join(ROOT, "build/sockets"), "-o", `${user.uid}:${user.gid}`, socket, "--", "true"], { stderr: "ignore" });
      expect(statSync(precious).uid).toBe(0);
    }
  } finally {
    swapper.kill();
  }
});
