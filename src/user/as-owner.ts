// Root acting on a user's tree does it as the user: nothing of the tree
// runs as root, and nothing in it is left owned by root.
import { chmodSync, chownSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { xdgRuntimeDir, type Tree } from "../lib/tree.ts";
import * as libc from "../sys/libc.ts";

/** The user's runtime directory, /run/user/UID (XDG_RUNTIME_DIR, which holds their trees), made the owner's and theirs alone (0700). */
export function makeRuntimeDirectory(tree: Tree): void {
  const owner = tree.owner!;
  const runtime = xdgRuntimeDir(tree)!;
  mkdirSync(dirname(runtime), { recursive: true, mode: 0o755 }); // /run/user: everyone passes through
  mkdirSync(runtime, { recursive: true });
  chownSync(runtime, owner.uid, owner.gid);
  chmodSync(runtime, 0o700);
}

/**
 * `goetia ARGS...` again, as the tree's owner: their uid, gid and
 * supplementary groups (s6-applyuidgid), their HOME, USER and USERTREE.
 */
export function asOwner(tree: Tree, args: string[]): never {
  const owner = tree.owner!;
  const env = { ...process.env, HOME: owner.home, USER: owner.name, LOGNAME: owner.name, USERTREE: tree.name } as Record<string, string>;
  const ids = ["-u", String(owner.uid), "-g", String(owner.gid), "-G", owner.groups.join(",")];
  return libc.execve("/usr/bin/s6-applyuidgid", ["s6-applyuidgid", ...ids, ...goetiaCommand(), ...args], env);
}

/** The command that runs this goetia: the binary, or, under `bun src/main.ts` (the host tests), bun and the entry script. */
export function goetiaCommand(): string[] {
  return Bun.main.startsWith("/$bunfs/") ? [process.execPath] : [process.execPath, Bun.main];
}
