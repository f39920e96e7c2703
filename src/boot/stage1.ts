// Stage 1: goetia as PID 1, for a few hundred milliseconds. It makes the
// machine ready for a supervision tree, starts the boot's bundle coming up
// beside it, and gives PID 1 to s6-svscan by execve: no Bun process stays.
// The bundle comes up through the bring-up compiled with the database (a
// shell script driving s6's own programs: manager/bringup.ts); only when
// that cannot be used (no database, sources changed since, an emergency
// shell asked for first) does stage 2, goetia itself, do it.
// Everything here goes through libc and pure code: under emulation a cold
// boot pays for every module loaded (node:fs alone costs 100 ms there).
// Any failure before the exec ends in the emergency shell, never in a
// kernel panic (PID 1 exiting).
import { speakOnConsole } from "../lib/console.ts";
import { treeEnvironment } from "../lib/envdir.ts";
import { errorText } from "../lib/errors.ts";
import { log } from "../lib/log.ts";
import { BOOT_MARK, bootRecord } from "../lib/timeline.ts";
import { DEFAULT_PATH, systemTree, treePaths } from "../lib/tree.ts";
import { BUNDLE_VARIABLE, EMERGENCY_VARIABLE, QUIET_VARIABLE, STAGE2_NAME } from "../roles.ts";
import { execSvscan, outputToCatchAll } from "../s6/exec-svscan.ts";
import * as libc from "../sys/libc.ts";
import { startBringup } from "./bringup-start.ts";
import { bundleFromCmdline, emergencyFromCmdline, parseCmdline, quietFromCmdline } from "./cmdline.ts";
import { emergencyShell } from "./emergency.ts";

/** The file systems every goetia machine has, mounted in this order. */
export const EARLY_MOUNTS: [source: string, target: string, type: string, flags: number, data: string | null][] = [
  ["proc", "/proc", "proc", libc.MS.NOSUID | libc.MS.NODEV | libc.MS.NOEXEC, null],
  ["sysfs", "/sys", "sysfs", libc.MS.NOSUID | libc.MS.NODEV | libc.MS.NOEXEC, null],
  ["devtmpfs", "/dev", "devtmpfs", libc.MS.NOSUID, "mode=0755"],
  ["devpts", "/dev/pts", "devpts", libc.MS.NOSUID | libc.MS.NOEXEC, "gid=5,mode=0620,ptmxmode=0666"],
  ["tmpfs", "/dev/shm", "tmpfs", libc.MS.NOSUID | libc.MS.NODEV, "mode=1777"],
  ["tmpfs", "/run", "tmpfs", libc.MS.NOSUID | libc.MS.NODEV, "mode=0755"],
];

/** The console descriptor handed to s6-svscan -X, for the catch-all logger's own errors. */
export const CONSOLE_FD = 3;

/** The boot record's marks of stage 1: its start, and its exec of s6-svscan. */
export const STAGE1_MARK = "stage1";
export const SVSCAN_MARK = "svscan";

export function stage1(): never {
  try {
    boot();
  } catch (error) {
    stage1Failed(errorText(error));
  }
}

/** Stage 1 failed for reason (here, or in the init shim's: initramfs/shim/init.c): said on the console, and the emergency shell. */
export function stage1Failed(reason: string): never {
  // The failure may come after stdout went to the catch-all fifo, which nobody reads yet.
  try {
    speakOnConsole();
  } catch {
    // No console to speak on: the shell below still gets its chance.
  }
  log.fatal(`stage 1 failed: ${reason}`);
  return emergencyShell("stage 1 could not hand over to s6-svscan");
}

function boot(): never {
  const startedNs = libc.monotonicNs();
  process.env.PATH = DEFAULT_PATH;
  process.umask(0o022);
  // After a boot initramfs's switch_root, /proc, /sys, /dev and /run come mounted (proc would mount twice).
  const mounted = new Map(
    libc
      .readText("/proc/mounts")
      .split("\n")
      .map((line) => line.split(" "))
      .map(([, target, , options = ""]) => [target, options.split(",")]),
  );
  for (const [source, target, type, flags, data] of EARLY_MOUNTS) if (!mounted.has(target)) mount(source, target, type, flags, data);
  // Debian's initramfs-tools mounts /run noexec: s6-supervise could not run a single service there.
  if (mounted.get("/run")?.includes("noexec")) libc.mount(null, "/run", null, libc.MS.REMOUNT | libc.MS.NOSUID | libc.MS.NODEV, null);
  // Ctrl-Alt-Del becomes SIGINT to PID 1 (s6-svscan runs .s6-svscan/SIGINT) instead of an instant reboot.
  libc.reboot(libc.RB.DISABLE_CAD);

  const cmdline = parseCmdline(libc.readText("/proc/cmdline"));
  const bundle = bundleFromCmdline(cmdline);
  const emergency = emergencyFromCmdline(cmdline);
  const tree = systemTree({});
  const paths = treePaths(tree);
  log.info(`stage 1: bundle ${bundle}`);

  const record = bootRecord(tree);
  const boot = bootName();
  record.note(BOOT_MARK, [boot], undefined, 0n); // /run is there only now
  record.mark(STAGE1_MARK, startedNs);
  const env = { ...treeEnvironment(tree), [BUNDLE_VARIABLE]: bundle };
  // The bring-up makes the run directory ready itself, catch-all fifo included.
  const quiet = quietFromCmdline(cmdline);
  const fast = emergency === undefined && startBringup(tree, bundle, env, { boot, quiet });
  if (!fast) {
    run(["cp", "-a", `${paths.runImage}/.`, tree.runDir]);
    libc.mkdirs(paths.catchAllLog);
    libc.makeFifo(paths.catchAllFifo, 0o600);
  }

  if (!fast) {
    // The fifo's reading end, for a moment, so that opening it for writing neither blocks nor fails.
    const reader = libc.open(paths.catchAllFifo, libc.O.RDONLY | libc.O.NONBLOCK | libc.O.CLOEXEC);
    const logCopy = libc.open(paths.catchAllFifo, libc.O.WRONLY | libc.O.NONBLOCK | libc.O.CLOEXEC);
    startStage2({ ...env, ...(emergency !== undefined && { [EMERGENCY_VARIABLE]: emergency }), ...(quiet && { [QUIET_VARIABLE]: "1" }) }, logCopy);
    libc.close(logCopy);
    libc.close(reader);
  }

  const consoleFd = libc.open("/dev/console", libc.O.WRONLY | libc.O.NOCTTY);
  libc.dup2(consoleFd, CONSOLE_FD);
  libc.close(consoleFd);
  outputToCatchAll(paths.catchAllFifo);
  record.mark(SVSCAN_MARK);
  return execSvscan(paths.scandir, env, CONSOLE_FD);
}

/**
 * The name this boot's record is kept under (boot/saved-records.ts): when
 * the kernel started, in UTC, so that names sort as boots came, and the
 * start of the kernel's boot id, so that two boots never share one.
 */
export function bootName(): string {
  const kernelStart = new Date(Number((libc.realtimeNs() - libc.monotonicNs()) / 1_000_000n));
  let id: string;
  try {
    id = libc.readText("/proc/sys/kernel/random/boot_id");
  } catch {
    id = crypto.randomUUID(); // a kernel without it: the name must still be this boot's alone
  }
  return `${kernelStart.toISOString().slice(0, 19).replace(/:/g, "")}-${id.trim().slice(0, 8)}`;
}

function mount(source: string, target: string, type: string, flags: number, data: string | null): void {
  libc.mkdirs(target);
  libc.mount(source, target, type, flags, data);
}

/** Runs argv to its end; throws when it fails. */
function run(argv: string[]): void {
  const { exitCode } = Bun.spawnSync(argv, { stdio: ["ignore", "inherit", "inherit"] });
  if (exitCode !== 0) throw new Error(`${argv.join(" ")} exited ${exitCode}`);
}

/**
 * Stage 2 (goetia, slow but thorough) runs beside s6-svscan and waits for
 * it before acting; it reads GOETIABUNDLE (and the word that asked for an
 * emergency shell) from env. Its output goes to the console, and a copy to
 * the catch-all log (descriptor 3).
 */
function startStage2(env: Record<string, string>, logCopy: number): void {
  Bun.spawn([process.execPath], {
    argv0: STAGE2_NAME,
    env,
    cwd: "/",
    stdio: ["ignore", "inherit", "inherit", logCopy],
  });
}
