// Argument fragments that several commands share, and their parsing.
import type { ArgsDef } from "citty";
import { UsageError } from "../lib/errors.ts";
import { lookupAccount, type Account } from "../lib/accounts.ts";
import { systemTree, userTree, type Tree } from "../lib/tree.ts";
import { badNameReason } from "../manager/service.ts";

/** Every command that acts on a tree takes it from here. */
export const treeArgs = {
  tree: { type: "string", description: "the supervision tree to act on: system, or one of your user trees (default: $USERTREE, else system)" },
} as const satisfies ArgsDef;

/**
 * The tree a command acts on: --tree NAME, else USERTREE, else the system
 * tree. A user tree is the caller's, or, for root, USER's.
 */
export function treeOf(args: { tree?: string }, env: Record<string, string | undefined> = process.env): Tree {
  const name = args.tree ?? env.USERTREE;
  if (name === undefined || name === "" || name === "system") return systemTree(env);
  const reason = badNameReason(name);
  if (reason) throw new UsageError(`${args.tree !== undefined ? "--tree" : "USERTREE"}: bad tree name "${name}": ${reason}`);
  return userTree(treeOwner(env), name, env);
}

/** Whose user tree: the caller's own; root may name another user in USER. */
export function treeOwner(env: Record<string, string | undefined> = process.env): Account {
  const uid = process.getuid!();
  const account = uid === 0 && env.USER ? lookupAccount(env.USER) : lookupAccount(uid);
  if (!account) throw new UsageError(uid === 0 && env.USER ? `USER: no user named ${env.USER}` : `uid ${uid} has no account in /etc/passwd`);
  return account;
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
