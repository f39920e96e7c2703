// Throwaway accounts on the host, for the attacks of test/security/: each a
// real user in /etc/passwd with a home of its own, made by useradd and
// removed by userdel, and commands run as that user through setpriv (its
// uid, gid and no other group: nothing of root's is kept).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface User {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

function must(argv: string[]): string {
  const run = Bun.spawnSync(argv, { stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`${argv.join(" ")}: exit ${run.exitCode}: ${run.stderr.toString()}`);
  return run.stdout.toString();
}

/** A new account (gtPIDxN unless named), with its home in a new folder of its own (0755, as adduser makes it). */
export function makeUser(name = `gt${process.pid % 100000}x${Math.floor(Math.random() * 1e6)}`): User {
  const base = mkdtempSync(join(tmpdir(), "goetia-home-"));
  const home = join(base, name);
  must(["useradd", "--create-home", "--home-dir", home, "--shell", "/bin/sh", "--user-group", name]);
  must(["chmod", "755", base, home]);
  return { name, uid: Number(must(["id", "-u", name])), gid: Number(must(["id", "-g", name])), home };
}

/** The account, its home and its runtime directory gone (a tree a test's login started may have made it). */
export function removeUser(user: User): void {
  Bun.spawnSync(["pkill", "-KILL", "-u", String(user.uid)]);
  Bun.spawnSync(["userdel", "--remove", "--force", user.name], { stderr: "ignore" });
  rmSync(join("/run/user", String(user.uid)), { recursive: true, force: true });
}

/** argv as user: their uid, gid and only their group, their HOME and USER. */
export function asUser(user: User, argv: string[]): string[] {
  return ["setpriv", `--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--reset-env", "--", "env", `HOME=${user.home}`, `USER=${user.name}`, ...argv];
}
