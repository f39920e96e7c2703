// envdir format (s6-envdir, daemontools envdir): one file per variable, the
// file name is the name, the first line is the value; an empty file unsets.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isMissing } from "./files.ts";

export function readEnvdir(dir: string): Record<string, string | null> {
  const vars: Record<string, string | null> = {};
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (isMissing(error)) return vars; // no envdir: nothing to set
    throw error;
  }
  for (const name of names) {
    if (name.startsWith(".") || name.includes("=")) continue;
    const value = readFileSync(join(dir, name), "utf8").split("\n")[0].replace(/\0/g, "\n").trimEnd();
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
