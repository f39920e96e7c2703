// Argument fragments that several commands share, and their parsing.
import type { ArgsDef } from "citty";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../lib/errors.ts";
import { systemTree, treePaths, type Tree } from "../lib/tree.ts";
import { selectTree } from "../lib/trees.ts";
import { isScanned } from "../s6/svscan.ts";
import { asOwner } from "../user/as-owner.ts";

/** Every command that acts on a tree takes it from here. */
export const treeArgs = {
  tree: { type: "string", description: "the supervision tree to act on: system, or one of your user trees (default: $USERTREE, else system)" },
} as const satisfies ArgsDef;

/** The tree a command acts on: --tree NAME, else USERTREE, else the system tree (lib/trees.ts). */
export function treeOf(args: { tree?: string }, env: Record<string, string | undefined> = process.env): Tree {
  return selectTree(args.tree, env);
}

/**
 * The tree a command acts on, entered: a user's tree is only ever acted on
 * as its owner, so that none of its services or files becomes root's
 * (root's command is run again as the owner, and this process is gone).
 */
export function enterTree(args: { tree?: string }): Tree {
  const tree = treeOf(args);
  if (tree.owner && process.getuid!() !== tree.owner.uid) asOwner(tree, process.argv.slice(2));
  if (tree.owner) awaitLoginsTree(tree);
  return tree;
}

/** How long a command waits for the tree a login has just started, as pam_systemd's login waits for the user's manager. */
const LOGIN_TREE_WAIT_MS = 10_000;

/** A tree a login started (the system's sessions service has it: /usr/lib/goetia/session) whose s6-svscan is not up yet: waited for. */
function awaitLoginsTree(tree: Tree): void {
  const scandir = treePaths(tree).scandir;
  if (isScanned(scandir) || !existsSync(join(systemTree().runDir, "sessions", `${tree.owner!.name}:${tree.name}`))) return;
  for (const deadline = Date.now() + LOGIN_TREE_WAIT_MS; Date.now() < deadline && !isScanned(scandir); ) Bun.sleepSync(50);
}

/** Every query can answer in JSON, for programs. */
export const jsonArgs = {
  json: { type: "boolean", description: "print JSON instead of text" },
} as const satisfies ArgsDef;

export const printJson = (value: unknown) => console.log(JSON.stringify(value, null, 2));

/** Commands that write a picture or a file take its place here. */
export const outputArgs = {
  output: { type: "string", alias: "o", description: "write it to this file instead of standard output" },
} as const satisfies ArgsDef;

/** Writes text to the file --output names, or to standard output. */
export function writeOutput(output: string | undefined, text: string): void {
  if (output) writeFileSync(output, text);
  else process.stdout.write(text);
}

export const changeArgs = {
  ...treeArgs,
  names: { type: "positional", description: "services or bundles", required: true },
  "dry-run": { type: "boolean", alias: "n", description: "print what would be done, in order, and do nothing" },
  timeout: { type: "string", alias: "t", description: "give up after this many milliseconds (exit 2)" },
} as const satisfies ArgsDef;

/** A --option's number of milliseconds, at most max; absent: undefined. */
export function parseMs(option: string, text: string | undefined, max: number, maxWhat = "allowed"): number | undefined {
  if (text === undefined) return undefined;
  const ms = Number(text);
  if (!/^\d+$/.test(text)) throw new UsageError(`--${option}: "${text}" is not a number of milliseconds`);
  if (ms > max) throw new UsageError(`--${option}: ${text} ms is more than the ${max} ms ${maxWhat}`);
  return ms;
}
