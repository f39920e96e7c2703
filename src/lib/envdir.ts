// envdir format (s6-envdir, daemontools envdir): one file per variable, the
// file name is the name, the first line is the value; an empty file unsets.
// Read through libc, not node:fs: stage 1 reads it, and loads no more than
// it must.
import * as libc from "../sys/libc.ts";
import { DEFAULT_PATH, treePaths, xdgRuntimeDir, type Tree } from "./tree.ts";

export function readEnvdir(dir: string): Record<string, string | null> {
  const vars: Record<string, string | null> = {};
  let entries: { name: string; isDir: boolean }[];
  try {
    entries = libc.listDir(dir);
  } catch (error) {
    if (libc.failedWith(error, libc.errno.ENOENT)) return vars; // no envdir: nothing to set
    throw error;
  }
  for (const { name, isDir } of entries) {
    if (isDir || name.startsWith(".") || name.includes("=")) continue;
    const value = libc.readText(`${dir}/${name}`).split("\n")[0].replace(/\0/g, "\n").trimEnd();
    vars[name] = value === "" ? null : value;
  }
  return vars;
}

/** base with the envdir's settings applied: set, replaced or unset. */
export function applyEnvdir(base: Record<string, string>, dir: string): Record<string, string> {
  const env = { ...base };
  for (const [name, value] of Object.entries(readEnvdir(dir))) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
  return env;
}

/**
 * The tree's clean environment: a default PATH (a user tree's with
 * ~/.local/bin first, and its owner's HOME, USER, LOGNAME, and USERTREE)
 * overlaid by the tree's envdir.
 * Services and oneshots get this, never the environment of whoever asked.
 */
export function treeEnvironment(tree: Tree): Record<string, string> {
  const owner = tree.owner;
  const base: Record<string, string> = owner
    ? { PATH: `${owner.home}/.local/bin:${DEFAULT_PATH}`, HOME: owner.home, USER: owner.name, LOGNAME: owner.name, USERTREE: tree.name, XDG_RUNTIME_DIR: xdgRuntimeDir(tree)! }
    : { PATH: DEFAULT_PATH };
  return applyEnvdir(base, treePaths(tree).envDir);
}
