// A unit's Condition*= and Assert*= (systemd.unit(5), "CONDITIONS AND
// ASSERTS"), checked by the sh goetia writes for it, at each start: every
// plain condition must hold, and one of the triggering ones (| before the
// value), where there are any; ! negates. A condition that does not hold
// skips the start, which is no failure: a oneshot is up having done
// nothing, a daemon is replaced by a process that waits (`sleep
// infinity`), so that what needs it goes on, as under systemd, and status
// says why (service.ts CONDITION_FILE). An assert that does not hold fails the start.
// A condition of a kind goetia cannot check is taken as met, and told.
import { shellQuote } from "../lib/sh.ts";
import type { Unit } from "./unit.ts";

/** Each kind goetia checks, as a sh test of its value. */
const TESTS: Record<string, (value: string) => string> = {
  PathExists: (path) => `[ -e ${shellQuote(path)} ]`,
  PathExistsGlob: (glob) => `[ -n "$(set +f; ls -d ${glob.replace(/[^\w*?[\]/.\-]/g, "\\$&")} 2>/dev/null)" ]`,
  PathIsDirectory: (path) => `[ -d ${shellQuote(path)} ]`,
  PathIsSymbolicLink: (path) => `[ -L ${shellQuote(path)} ]`,
  PathIsMountPoint: (path) => `mountpoint -q ${shellQuote(path)}`,
  PathIsReadWrite: (path) => `findmnt -no OPTIONS --target ${shellQuote(path)} | grep -q '^rw'`,
  DirectoryNotEmpty: (path) => `[ -n "$(ls -A ${shellQuote(path)} 2>/dev/null)" ]`,
  FileNotEmpty: (path) => `[ -s ${shellQuote(path)} ]`,
  FileIsExecutable: (path) => `[ -f ${shellQuote(path)} ] && [ -x ${shellQuote(path)} ]`,
  // A word with = is matched whole; one without, as a word or as the name of an assignment.
  KernelCommandLine: (word) => `tr ' ' '\\n' </proc/cmdline | ${word.includes("=") ? "" : "sed 's/=.*//' | "}grep -qxF -e ${shellQuote(word)}`,
};

/** What a start says when its conditions (or asserts), why, do not all hold. */
export const notAllHold = (name: string, why: string) => `goetia: ${name}: not all of these hold: ${why}`;

/**
 * The sh that checks the unit's conditions and asserts; skip: what a
 * condition that does not hold does (a line of sh that ends the start).
 */
export function conditionLines(unit: Unit, name: string, skip: (why: string) => string[]): string[] {
  const lines: string[] = [];
  for (const [prefix, onFail] of [
    ["Condition", skip],
    ["Assert", (why: string) => [`echo ${shellQuote(notAllHold(name, why))} >&2`, "exit 1"]],
  ] as const) {
    const plain: string[] = [];
    const triggers: string[] = [];
    const said: string[] = [];
    for (const [kind, test] of Object.entries(TESTS)) {
      for (const { value } of unit.list("Unit", `${prefix}${kind}`, { whole: true })) {
        const trigger = value.startsWith("|");
        const rest = trigger ? value.slice(1) : value;
        const negated = rest.startsWith("!");
        const argument = negated ? rest.slice(1) : rest;
        const check = `${negated ? "! " : ""}{ ${test(argument)}; }`;
        (trigger ? triggers : plain).push(check);
        said.push(`${prefix}${kind}=${value}`);
      }
    }
    for (const at of unit.unused().filter((a) => a.section === "Unit" && a.key.startsWith(prefix))) {
      unit.markUsed("Unit", at.key);
      unit.warnings.push({ file: at.file, line: at.line, message: `${at.key}=: not a kind goetia checks: taken as met` });
    }
    if (plain.length === 0 && triggers.length === 0) continue;
    const all = [...plain, ...(triggers.length > 0 ? [`{ ${triggers.join(" || ")}; }`] : [])].join(" && ");
    lines.push(`if ! { ${all}; }; then`, ...onFail(said.join(", ")).map((line) => `  ${line}`), "fi");
  }
  return lines;
}
