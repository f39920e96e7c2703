// The oneshots' runner (initramfs/shim/oneshot.c): a oneshot's command in a
// process group of its own, its nice, its lines copied, its exit code
// recorded where goetia finds it even if goetia dies first.
import { oneshotArgv } from "../s6/execline.ts";
import { helper } from "./place.ts";

/**
 * Where Debian's execlineb (a wrapper) puts execline's own programs (exit,
 * redirfd, fdmove...): first in the PATH of every script it runs. A line of
 * plain words, run without it, is given the same PATH.
 */
const EXECLINE_PROGRAMS = "/usr/lib/execline/bin";

/**
 * How a oneshot's argv (oneshotArgv) is run, by the engine and the boot's
 * bring-up alike: through goetia's runner (initramfs/shim/oneshot.c), in a
 * process group of its own, nice notches nicer (the runner too, which at
 * boot would otherwise compete at full priority with what is not niced),
 * with execline's PATH, its exit code written into exitFile; with copyAs,
 * its lines also go to descriptor 4 after that name; with outcome, the line
 * "WORD CODE" goes to that descriptor once it ended. One static program,
 * where a shell with a fifo, setsid and nice cost five execs under
 * emulation.
 */
export const runnerArgv = (exitFile: string, argv: string[], nice?: number, copyAs?: string, outcome?: { fd: number; word: string }): string[] => [
  helper("oneshot"),
  ...(nice === undefined ? [] : ["-n", String(nice)]),
  ...(copyAs === undefined ? [] : ["-c", copyAs]),
  ...(outcome === undefined ? [] : ["-e", `${outcome.fd}:${outcome.word}`]),
  "-p",
  EXECLINE_PROGRAMS,
  exitFile,
  ...argv,
];

/**
 * Starts a oneshot's command line through the runner (runnerArgv), in a
 * process group of its own from the start (so a timeout ends all it
 * started); with copy, its lines also go to that descriptor after its name.
 */
export function spawnOneshot(script: string, nice: number | undefined, env: Record<string, string>, exitFile: string, copy?: { fd: number; name: string }) {
  return Bun.spawn(runnerArgv(exitFile, oneshotArgv(script), nice, copy?.name), {
    cwd: "/",
    env,
    stdio: copy === undefined ? ["ignore", "inherit", "inherit"] : ["ignore", "inherit", "inherit", "ignore", copy.fd],
    detached: true,
  });
}
