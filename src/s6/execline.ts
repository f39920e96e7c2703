// execline: how s6-rc stores a oneshot's up and down (one command line,
// lexed by execlineb), and the shells that run and record them.
import { nicePrefix } from "./run-script.ts";

/** Characters execlineb gives no meaning to: a command line made of them alone is its words. */
const PLAIN_WORD = /^[A-Za-z0-9_\-./=:,+@%^~]+$/;

/**
 * The argv a oneshot's command line means. execlineb lexes it (quotes,
 * escapes, blocks, comments), and starting execlineb costs more than the
 * command itself under emulation (130 ms there, for `hostname -F`): a line
 * of plain words is split here instead, which is all execlineb would do.
 */
export function oneshotArgv(script: string): string[] {
  const words = script.split(/[ \t\n\r]+/).filter(Boolean);
  return words.length > 0 && words.every((word) => PLAIN_WORD.test(word)) ? words : ["execlineb", "-P", "-c", script];
}

/**
 * argv (a oneshot's: oneshotArgv) run through recorder (RECORDER or
 * BOOT_RECORDER, with their arguments), all of it nice notches nicer: the
 * recorder's own shell and programs too, which at boot would otherwise
 * compete at full priority with what is not niced. The bring-up
 * (manager/bringup.sh) runs the same, its nice words compiled by nicePrefix.
 */
export const recordedArgv = (recorder: string[], argv: string[], nice?: number): string[] => [...nicePrefix(nice), "/bin/sh", "-c", ...recorder, ...argv];

/**
 * The shell around a oneshot: `sh -c RECORDER goetia-oneshot EXIT_FILE
 * ARGV...` runs ARGV and writes its exit code (128 + N for signal N) into
 * EXIT_FILE. The command outlives a killed caller, and its outcome must
 * too; a later goetia finds the shell by the exit file its command line
 * names.
 */
export const RECORDER = 'exit_file=$1; shift; "$@"; code=$?; echo $code > "$exit_file"; exit $code';

/**
 * RECORDER at boot, `sh -c BOOT_RECORDER goetia-oneshot EXIT_FILE NAME
 * ARGV...`: the command's lines (stdout and stderr) go on to the console,
 * and to descriptor 4, the catch-all log, as "NAME: line". They pass
 * through a fifo of its own, read in the background: a process the command
 * leaves behind may hold it open for ever, and the oneshot is done when its
 * command is.
 */
export const BOOT_RECORDER = [
  'exit_file=$1 name=$2 out=$1.out; shift 2; [ ! -e "$out" ] || rm -f "$out"; mkfifo -m 600 "$out" || exit 111',
  'while IFS= read -r line || [ -n "$line" ]; do printf "%s\\n" "$line"; printf "%s: %s\\n" "$name" "$line" >&4; done < "$out" &',
  '"$@" > "$out" 2>&1 4>&-; code=$?; rm -f "$out"; echo $code > "$exit_file"; exit $code',
].join("\n");

/**
 * Starts a oneshot's command line in a process group of its own (so a
 * timeout ends all it started), through RECORDER; with copy, through
 * BOOT_RECORDER, its lines also going to that descriptor after its name.
 */
export function spawnOneshot(script: string, nice: number | undefined, env: Record<string, string>, exitFile: string, copy?: { fd: number; name: string }) {
  const recorder = copy === undefined ? [RECORDER, "goetia-oneshot", exitFile] : [BOOT_RECORDER, "goetia-oneshot", exitFile, copy.name];
  return Bun.spawn(recordedArgv(recorder, oneshotArgv(script), nice), {
    cwd: "/",
    env,
    stdio: copy === undefined ? ["ignore", "inherit", "inherit"] : ["ignore", "inherit", "inherit", "ignore", copy.fd],
    detached: true,
  });
}
