// goetia's usage is coloured on a terminal only, and never where NO_COLOR
// is set: through a pipe or into a file it is plain text.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { ROOT } from "../helpers/guest.ts";

// The binary that ships, as a user runs it: the bundler orders its imports its own way.
const GOETIA = join(ROOT, "build/goetia");

/** What goetia ARGS writes, run on a terminal (script's pseudo-terminal) or through a pipe, with env. */
function output(args: string, { terminal = false, env = {} as Record<string, string> } = {}): string {
  // citty is plain under CI (and TEST) too: the terminal here is the one script makes.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !["NO_COLOR", "CI", "TEST"].includes(name)));
  const command = terminal ? ["script", "-qec", `${GOETIA} ${args}`, "/dev/null"] : ["sh", "-c", `${GOETIA} ${args} 2>&1`];
  return Bun.spawnSync(command, { env: { ...inherited, ...env } as Record<string, string>, stdin: "ignore" }).stdout.toString();
}

test("--help and a usage error: colours on a terminal, plain through a pipe, plain on a terminal with NO_COLOR", () => {
  for (const args of ["--help", "no-such-command"]) {
    expect([args, output(args, { terminal: true })]).toEqual([args, expect.stringContaining("\x1b[")]);
    const piped = output(args);
    expect(piped).toContain("USAGE");
    expect(piped).not.toContain("\x1b");
    expect(output(args, { terminal: true, env: { NO_COLOR: "yes" } })).not.toContain("\x1b");
  }
});
