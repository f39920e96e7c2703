// Which tree, and whose: the system tree, or a user tree (the first seed
// document: zero, one or more per user, told apart by USERTREE), chosen by
// --tree or USERTREE and owned by the caller, or, for root, by USER.
import { lookupAccount, type Account } from "./accounts.ts";
import { FailedError, UsageError } from "./errors.ts";
import { badTreeNameReason } from "./names.ts";
import { systemTree, userTree, type Tree } from "./tree.ts";

/**
 * The tree a command acts on: --tree NAME, else USERTREE, else the system
 * tree. A user tree is the caller's, or, for root, USER's.
 */
export function selectTree(option: string | undefined, env: Record<string, string | undefined> = process.env): Tree {
  const name = option ?? env.USERTREE;
  if (name === undefined || name === "" || name === "system") return systemTree(env);
  const reason = badTreeNameReason(name);
  if (reason) throw new UsageError(`${option !== undefined ? "--tree" : "USERTREE"}: bad tree name "${name}": ${reason}`);
  return userTree(treeOwner(env), name, env);
}

/** Whose user tree: the caller's own; root may name another user in USER. */
export function treeOwner(env: Record<string, string | undefined> = process.env): Account {
  const uid = process.getuid!();
  const account = uid === 0 && env.USER ? lookupAccount(env.USER) : lookupAccount(uid);
  if (!account) throw new UsageError(uid === 0 && env.USER ? `USER: no user named ${env.USER}` : `uid ${uid} has no account in /etc/passwd`);
  if (env.USER && env.USER !== account.name) throw new FailedError(`USER=${env.USER}: only ${env.USER} or root may act on ${env.USER}'s trees (you are ${account.name})`);
  // The owner's own HOME wins over the one /etc/passwd gives, as for any program of theirs.
  return account.uid === uid && env.HOME ? { ...account, home: env.HOME } : account;
}

/** The user tree USER and USERTREE name, for user-init and user-shutdown: both must be set, and the caller must be USER or root. */
export function namedUserTree(command: string, env: Record<string, string | undefined> = process.env): Tree {
  if (!env.USER || !env.USERTREE) throw new UsageError(`${command}: USER and USERTREE name the tree (USER=alice USERTREE=main ${command})`);
  return selectTree(undefined, env);
}
