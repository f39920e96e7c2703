// The machine's accounts, as /etc/passwd and /etc/group say them: who a
// user tree belongs to, with the groups its processes run with.
import { readIfExists } from "./files.ts";

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** Supplementary groups: every group that lists the user, its primary one first. */
  groups: number[];
}

/** The account named name (or with that uid), or undefined; passwd and group are the files' texts. */
export function findAccount(who: string | number, passwd: string, group: string): Account | undefined {
  const fields = passwd
    .split("\n")
    .map((line) => line.split(":"))
    .find((f) => f.length >= 7 && (typeof who === "number" ? Number(f[2]) === who && f[2] !== "" : f[0] === who));
  if (!fields || !/^\d+$/.test(fields[2]) || !/^\d+$/.test(fields[3])) return undefined;
  const [name, , uid, gid, , home] = fields;
  const groups = [Number(gid)];
  for (const line of group.split("\n")) {
    const [, , id, members = ""] = line.split(":");
    if (/^\d+$/.test(id ?? "") && members.split(",").includes(name) && !groups.includes(Number(id))) groups.push(Number(id));
  }
  return { name, uid: Number(uid), gid: Number(gid), home, groups };
}

/** The account in this machine's /etc/passwd and /etc/group. */
export function lookupAccount(who: string | number): Account | undefined {
  return findAccount(who, readIfExists("/etc/passwd") ?? "", readIfExists("/etc/group") ?? "");
}

/** The id of the group named name in this machine's /etc/group, or undefined. */
export function lookupGroupId(name: string): number | undefined {
  const id = (readIfExists("/etc/group") ?? "").split("\n").map((line) => line.split(":")).find((fields) => fields[0] === name)?.[2];
  return id !== undefined && /^\d+$/.test(id) ? Number(id) : undefined;
}
