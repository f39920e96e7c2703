// Argument fragments that several commands share, and their parsing.
import type { ArgsDef } from "citty";
import { UsageError } from "../lib/errors.ts";
import { systemTree, type Tree } from "../lib/tree.ts";

/** Every command that acts on a tree takes it from here. */
export const treeArgs = {
  tree: { type: "string", description: "the supervision tree to act on (default: system, the machine's own)" },
} as const satisfies ArgsDef;

export function treeOf(args: { tree?: string }): Tree {
  if (args.tree === undefined || args.tree === "system") return systemTree();
  throw new UsageError(`--tree: no tree named ${args.tree}: this goetia knows only the system tree`);
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
