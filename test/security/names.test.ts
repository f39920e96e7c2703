// Finding 12 (doc/security.md): a user whose name is another's uid gets no
// way into that user's runtime directory. A user named "U" (Debian's
// useradd takes it) starts a tree while uid U is logged in: U's
// /run/user/U stays U's alone, and the tree lives in its owner's own uid's.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pollUntil } from "../../src/lib/poll.ts";
import { isScanned } from "../../src/s6/svscan.ts";
import { ROOT } from "../helpers/guest.ts";
import { makeUser, removeUser, type User } from "../helpers/users.ts";

setDefaultTimeout(60_000);

let dir: string;
let victim: User;
let numeric: User;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "goetia-names-"));
  chmodSync(dir, 0o755);
  victim = makeUser();
  numeric = makeUser(String(victim.uid));
});
afterAll(() => {
  removeUser(numeric);
  removeUser(victim);
  rmSync(dir, { recursive: true, force: true });
});

test("a user named after another's uid starts a tree: the other's runtime directory stays theirs alone", async () => {
  const runtimes = join(dir, "user");
  const env = { PATH: process.env.PATH!, GOETIA_USER_RUNDIR: runtimes, GOETIA_LIBDIR: join(ROOT, "build") };
  // The victim's session made their runtime directory, as the session hook makes it.
  const victims = join(runtimes, String(victim.uid));
  mkdirSync(victims, { recursive: true });
  chmodSync(runtimes, 0o755);
  chownSync(victims, victim.uid, victim.gid);
  chmodSync(victims, 0o700);
  const init = Bun.spawn([process.execPath, join(ROOT, "src/main.ts"), "user-init"], { env: { ...env, USER: numeric.name, USERTREE: "main" }, stdout: "pipe", stderr: "pipe" });
  const scandir = join(runtimes, String(numeric.uid), "goetia", "main", "service");
  try {
    expect(await pollUntil(() => isScanned(scandir), 30_000)).toBe(true);
    const stat = statSync(victims);
    expect([stat.uid, (stat.mode & 0o777).toString(8)]).toEqual([victim.uid, "700"]);
    expect(existsSync(join(victims, "main"))).toBe(false);
  } finally {
    Bun.spawnSync([process.execPath, join(ROOT, "src/main.ts"), "user-shutdown"], { env: { ...env, USER: numeric.name, USERTREE: "main" } });
    init.kill();
  }
});
