// Finding 1 (doc/security.md): the compiled goetia never reads a
// bunfig.toml or a .env from the folder it runs in. A user leaves both in a
// folder of theirs; root runs goetia there (after su, or apt in that
// folder running the dpkg hook): nothing of them runs or reaches goetia.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chownSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/guest.ts";
import { makeUser, removeUser, type User } from "../helpers/users.ts";

const GOETIA = join(ROOT, "build/goetia");
let user: User;
beforeAll(() => {
  user = makeUser();
  const plant = (name: string, text: string) => {
    writeFileSync(join(user.home, name), text);
    chownSync(join(user.home, name), user.uid, user.gid);
  };
  plant("bunfig.toml", 'preload = ["./preload.ts"]\n');
  plant("preload.ts", `require("node:fs").writeFileSync(${JSON.stringify(join(user.home, "ran-as-root"))}, "")\n`);
  plant(".env", `GOETIA_CONFDIR=${join(user.home, "conf")}\nGOETIA_RUNDIR=${join(user.home, "run")}\n`);
});
afterAll(() => removeUser(user));

test.each([["--help"], ["status"], ["compile"]])("root running goetia %s in a user's folder runs nothing of theirs", (command) => {
  const run = Bun.spawnSync([GOETIA, command], { cwd: user.home, env: { PATH: process.env.PATH! }, stderr: "pipe" });
  const said = run.stdout.toString() + run.stderr.toString();
  expect(existsSync(join(user.home, "ran-as-root"))).toBe(false);
  expect(said).not.toContain(user.home); // the .env's places were never taken
  expect(existsSync(join(user.home, "conf"))).toBe(false);
  expect(existsSync(join(user.home, "run"))).toBe(false);
});
