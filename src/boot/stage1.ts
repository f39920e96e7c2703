// Stage 1: goetia as PID 1, for a few hundred milliseconds. It makes the
// machine ready for a supervision tree, starts stage 2 as a child, and then
// gives PID 1 to s6-svscan by execve: no Bun process stays resident.
// Any failure before that exec ends in the emergency shell, never in a
// kernel panic (PID 1 exiting).
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { speakOnConsole } from "../lib/console.ts";
import { errorText } from "../lib/errors.ts";
import { log } from "../lib/log.ts";
import { DEFAULT_PATH, systemTree, treeEnvironment, treePaths } from "../lib/tree.ts";
import { execSvscan } from "../s6/svscan.ts";
import * as libc from "../sys/libc.ts";
import { bundleFromCmdline, emergencyFromCmdline, parseCmdline } from "./cmdline.ts";
import { emergencyShell } from "./emergency.ts";
import { EMERGENCY_VARIABLE, STAGE2_NAME } from "../roles.ts";
import { bootTimeline } from "./timeline.ts";

/** The file systems every goetia machine has, mounted in this order. */
const EARLY_MOUNTS: [source: string, target: string, type: string, flags: number, data: string | null][] = [
  ["proc", "/proc", "proc", libc.MS.NOSUID | libc.MS.NODEV | libc.MS.NOEXEC, null],
  ["sysfs", "/sys", "sysfs", libc.MS.NOSUID | libc.MS.NODEV | libc.MS.NOEXEC, null],
  ["devtmpfs", "/dev", "devtmpfs", libc.MS.NOSUID, "mode=0755"],
  ["devpts", "/dev/pts", "devpts", libc.MS.NOSUID | libc.MS.NOEXEC, "gid=5,mode=0620,ptmxmode=0666"],
  ["tmpfs", "/dev/shm", "tmpfs", libc.MS.NOSUID | libc.MS.NODEV, "mode=1777"],
  ["tmpfs", "/run", "tmpfs", libc.MS.NOSUID | libc.MS.NODEV, "mode=0755"],
];

/** The console descriptor handed to s6-svscan -X, for the catch-all logger's own errors. */
const CONSOLE_FD = 3;

export function stage1(): never {
  try {
    boot();
  } catch (error) {
    // The failure may come after stdout went to the catch-all fifo, which nobody reads yet.
    try {
      speakOnConsole();
    } catch {
      // No console to speak on: the shell below still gets its chance.
    }
    log.fatal(`stage 1 failed: ${errorText(error)}`);
  }
  return emergencyShell("stage 1 could not hand over to s6-svscan");
}

function boot(): never {
  const startedNs = libc.monotonicNs();
  process.env.PATH = DEFAULT_PATH;
  process.umask(0o022);
  for (const [source, target, type, flags, data] of EARLY_MOUNTS) mountOnce(source, target, type, flags, data);
  // Ctrl-Alt-Del becomes SIGINT to PID 1 (s6-svscan runs .s6-svscan/SIGINT) instead of an instant reboot.
  libc.reboot(libc.RB.DISABLE_CAD);

  const cmdline = parseCmdline(readFileSync("/proc/cmdline", "utf8"));
  const bundle = bundleFromCmdline(cmdline);
  const tree = systemTree({});
  const paths = treePaths(tree);
  log.info(`stage 1: bundle ${bundle}`);

  cpSync(paths.runImage, tree.runDir, { recursive: true, verbatimSymlinks: true });
  bootTimeline(tree).mark("stage1", startedNs); // /run is there only now
  mkdirSync(paths.catchAllLog, { recursive: true });
  if (!existsSync(paths.catchAllFifo)) libc.mkfifo(paths.catchAllFifo, 0o600);
  chmodSync(paths.scandir, 0o755);

  const env = { ...treeEnvironment(tree), GOETIABUNDLE: bundle };
  const emergency = emergencyFromCmdline(cmdline);
  startStage2(emergency === undefined ? env : { ...env, [EMERGENCY_VARIABLE]: emergency });

  const consoleFd = libc.open("/dev/console", libc.O.WRONLY | libc.O.NOCTTY);
  libc.dup2(consoleFd, CONSOLE_FD);
  libc.close(consoleFd);
  redirectToCatchAll(paths.catchAllFifo);
  return execSvscan(paths.scandir, CONSOLE_FD, env);
}

function mountOnce(source: string, target: string, type: string, flags: number, data: string | null): void {
  mkdirSync(target, { recursive: true });
  try {
    libc.mount(source, target, type, flags, data);
  } catch (error) {
    // EBUSY: already mounted (the /init shim mounts /proc).
    if (!(error instanceof libc.SysError && error.errno === libc.errno.EBUSY)) throw error;
  }
}

/**
 * Stage 2 runs beside s6-svscan and waits for it before acting; it reads
 * GOETIABUNDLE (and the word that asked for an emergency shell) from env. Its output goes to the console: it is what a person
 * watches while the machine boots.
 */
function startStage2(env: Record<string, string>): void {
  Bun.spawn([process.execPath], {
    argv0: STAGE2_NAME,
    env,
    cwd: "/",
    stdin: "ignore",
    stdout: Bun.file("/dev/console"),
    stderr: Bun.file("/dev/console"),
  });
}

/**
 * Points stdout and stderr at the catch-all logger's fifo. Opening a fifo for
 * writing blocks until a reader exists, and the reader is a service s6-svscan
 * has not started yet: so open it for reading first (non-blocking), then for
 * writing, then drop the reading end, as s6-linux-init does.
 */
function redirectToCatchAll(fifo: string): void {
  const reader = libc.open(fifo, libc.O.RDONLY | libc.O.NONBLOCK);
  const writer = libc.open(fifo, libc.O.WRONLY);
  libc.close(reader);
  libc.dup2(writer, 1);
  libc.dup2(writer, 2);
  libc.close(writer);
  const devnull = libc.open("/dev/null", libc.O.RDONLY);
  libc.dup2(devnull, 0);
  libc.close(devnull);
}
