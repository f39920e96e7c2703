// The only door to the kernel that Node's API does not give us: every syscall
// goetia makes directly goes through this module, on glibc via bun:ffi.
// Each wrapper throws a SysError naming the call and errno, so callers never
// read errno themselves (it must be read right after the call, here).
// libc is opened on the first call, not on import: a command that makes no
// syscall of its own (goetia status, --help) never pays for the FFI.
import { CString, dlopen, ptr, read, type Pointer } from "bun:ffi";

const open_ = () =>
  dlopen("libc.so.6", {
  __errno_location: { args: [], returns: "ptr" },
  strerror: { args: ["i32"], returns: "cstring" },
  mount: { args: ["ptr", "ptr", "ptr", "u64", "ptr"], returns: "i32" },
  umount2: { args: ["ptr", "i32"], returns: "i32" },
  reboot: { args: ["i32"], returns: "i32" },
  sync: { args: [], returns: "void" },
  kill: { args: ["i32", "i32"], returns: "i32" },
  waitpid: { args: ["i32", "ptr", "i32"], returns: "i32" },
  execve: { args: ["ptr", "ptr", "ptr"], returns: "i32" },
  signal: { args: ["i32", "ptr"], returns: "ptr" },
  sigprocmask: { args: ["i32", "ptr", "ptr"], returns: "i32" },
  mkfifo: { args: ["ptr", "u32"], returns: "i32" },
  mkdir: { args: ["ptr", "u32"], returns: "i32" },
  opendir: { args: ["ptr"], returns: "ptr" },
  readdir: { args: ["ptr"], returns: "ptr" },
  closedir: { args: ["ptr"], returns: "i32" },
  read: { args: ["i32", "ptr", "u64"], returns: "i64" },
  write: { args: ["i32", "ptr", "u64"], returns: "i64" },
  open: { args: ["ptr", "i32", "u32"], returns: "i32" },
  dup2: { args: ["i32", "i32"], returns: "i32" },
  close: { args: ["i32"], returns: "i32" },
  fstat: { args: ["i32", "ptr"], returns: "i32" },
  unlink: { args: ["ptr"], returns: "i32" },
  geteuid: { args: [], returns: "u32" },
  flock: { args: ["i32", "i32"], returns: "i32" },
  fcntl: { args: ["i32", "i32", "ptr"], returns: "i32" },
  clock_gettime: { args: ["i32", "ptr"], returns: "i32" },
  }).symbols;

let symbols: ReturnType<typeof open_> | undefined;

/** True once some call has opened libc (a test's way to see that a command made none). */
export function ffiOpened(): boolean {
  return symbols !== undefined;
}

function c(): ReturnType<typeof open_> {
  return (symbols ??= open_());
}

export class SysError extends Error {
  constructor(
    readonly call: string,
    readonly errno: number,
  ) {
    super(`${call}: ${c().strerror(errno)} (errno ${errno})`);
  }
}

/** True when error is a call of this module that failed with errno (EEXIST, ENOENT...). */
export function failedWith(error: unknown, code: number): boolean {
  return error instanceof SysError && error.errno === code;
}

export const errno = {
  ENOENT: 2,
  EINTR: 4,
  EAGAIN: 11,
  EACCES: 13,
  ECHILD: 10,
  EBUSY: 16,
  EEXIST: 17,
  EROFS: 30,
} as const;

function lastErrno(): number {
  return read.i32(c().__errno_location() as Pointer, 0);
}

function check(call: string, result: number): number {
  if (result === -1) throw new SysError(call, lastErrno());
  return result;
}

/** A NUL-terminated copy of s, kept alive by the caller's reference. */
function cstr(s: string): Buffer {
  return Buffer.from(`${s}\0`);
}

function cstrOrNull(s: string | null): Buffer | null {
  return s === null ? null : cstr(s);
}

// mount(2) flags used by goetia.
export const MS = {
  RDONLY: 1,
  NOSUID: 2,
  NODEV: 4,
  NOEXEC: 8,
  REMOUNT: 32,
} as const;

export function mount(
  source: string | null,
  target: string,
  fstype: string | null,
  flags: number,
  data: string | null,
): void {
  const args = [cstrOrNull(source), cstr(target), cstrOrNull(fstype), cstrOrNull(data)];
  check(`mount ${target}`, c().mount(args[0], args[1], args[2], BigInt(flags), args[3]));
}

export function umount(target: string): void {
  check(`umount ${target}`, c().umount2(cstr(target), 0));
}

// reboot(2) commands (linux/reboot.h).
export const RB = {
  AUTOBOOT: 0x01234567,
  HALT_SYSTEM: 0xcdef0123 | 0,
  POWER_OFF: 0x4321fedc,
  DISABLE_CAD: 0,
} as const;

export function reboot(cmd: number): void {
  check("reboot", c().reboot(cmd));
}

export function sync(): void {
  c().sync();
}

export const SIG = {
  HUP: 1,
  KILL: 9,
  USR1: 10,
  USR2: 12,
  PIPE: 13,
  TERM: 15,
  CONT: 18,
  XFSZ: 25,
} as const;

/** kill(2); returns false when no process matched (ESRCH). */
export function kill(pid: number, sig: number): boolean {
  return c().kill(pid, sig) === 0;
}

/**
 * Reaps one child without blocking. Returns its pid, 0 if children remain
 * but none has exited, or -1 when there are no children at all (ECHILD).
 * Only safe where no Bun.spawn child is alive: Bun treats a stolen child as
 * a fatal error.
 */
export function reapAny(): number {
  const status = new Int32Array(1);
  const WNOHANG = 1;
  const pid = c().waitpid(-1, status, WNOHANG);
  if (pid !== -1) return pid;
  const e = lastErrno();
  if (e === errno.ECHILD) return -1;
  if (e === errno.EINTR) return 0;
  throw new SysError("waitpid", e);
}

/** Replaces this process with path; returns only by throwing. */
export function execve(path: string, argv: string[], env: Record<string, string>): never {
  const keep = [path, ...argv, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)].map(cstr);
  const pointers = (list: Buffer[]) => {
    const array = new BigUint64Array(list.length + 1);
    list.forEach((b, i) => (array[i] = BigInt(ptr(b))));
    return array;
  };
  const argvp = pointers(keep.slice(1, argv.length + 1));
  const envp = pointers(keep.slice(argv.length + 1));
  c().execve(keep[0], argvp, envp);
  throw new SysError(`execve ${path}`, lastErrno());
}

/** Puts sig back to its default action: Bun ignores SIGPIPE and SIGXFSZ, and an ignore survives exec. */
export function defaultSignal(sig: number): void {
  c().signal(sig, null);
}

/** Unblocks every signal, so the program we exec starts with a clean mask. */
export function unblockAllSignals(): void {
  const SIG_SETMASK = 2;
  const empty = new BigUint64Array(16); // sizeof(sigset_t) in glibc is 128 bytes
  check("sigprocmask", c().sigprocmask(SIG_SETMASK, empty, null));
}

/** mkfifo(2), where there is none yet (one already there is kept). */
export function makeFifo(path: string, mode: number): void {
  if (c().mkfifo(cstr(path), mode) === -1 && lastErrno() !== errno.EEXIST) throw new SysError(`mkfifo ${path}`, lastErrno());
}

export const O = {
  RDONLY: 0,
  WRONLY: 1,
  RDWR: 2,
  CREAT: 0o100,
  EXCL: 0o200,
  NOCTTY: 0o400,
  APPEND: 0o2000,
  NONBLOCK: 0o4000,
  NOFOLLOW: 0o400000,
  CLOEXEC: 0o2000000,
} as const;

/** mkdir(2), and each missing parent first (mkdir -p). */
export function mkdirs(path: string, mode = 0o755): void {
  let at = 0;
  do {
    at = path.indexOf("/", at + 1);
    const dir = at === -1 ? path : path.slice(0, at);
    if (c().mkdir(cstr(dir), mode) === -1 && lastErrno() !== errno.EEXIST) throw new SysError(`mkdir ${dir}`, lastErrno());
  } while (at !== -1);
}

/** A directory's entries (not . and ..), each with whether it is a directory. */
export function listDir(path: string): { name: string; isDir: boolean }[] {
  const dir = c().opendir(cstr(path));
  if (dir === null) throw new SysError(`opendir ${path}`, lastErrno());
  const DT_DIR = 4;
  const entries: { name: string; isDir: boolean }[] = [];
  try {
    // struct dirent (glibc, x86_64): d_ino 8, d_off 8, d_reclen 2, d_type 1, then d_name.
    for (let entry = c().readdir(dir); entry !== null; entry = c().readdir(dir)) {
      const name = new CString(entry, 19).toString();
      if (name !== "." && name !== "..") entries.push({ name, isDir: read.u8(entry, 18) === DT_DIR });
    }
  } finally {
    c().closedir(dir);
  }
  return entries;
}

/** The whole of a (small) file, as text. */
export function readText(path: string): string {
  const fd = open(path, O.RDONLY | O.CLOEXEC);
  try {
    const chunks: Buffer[] = [];
    for (;;) {
      const chunk = Buffer.alloc(4096);
      const n = Number(check(`read ${path}`, Number(c().read(fd, chunk, BigInt(chunk.length)))));
      if (n === 0) return Buffer.concat(chunks).toString("utf8");
      chunks.push(chunk.subarray(0, n));
    }
  } finally {
    close(fd);
  }
}

/** Writes all of text to fd. */
export function writeText(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let done = 0; done < bytes.length; ) {
    done += check("write", Number(c().write(fd, bytes.subarray(done), BigInt(bytes.length - done))));
  }
}

export function open(path: string, flags: number, mode = 0): number {
  return check(`open ${path}`, c().open(cstr(path), flags, mode));
}

/** fstat(2): the owner and the mode (type and permissions) of fd's file. */
export function fstat(fd: number): { uid: number; mode: number } {
  const stat = new Uint32Array(36); // struct stat (glibc, x86_64), 144 bytes: st_mode at 24, st_uid at 28
  check(`fstat ${fd}`, c().fstat(fd, stat));
  return { mode: stat[6], uid: stat[7] };
}

export function unlink(path: string): void {
  check(`unlink ${path}`, c().unlink(cstr(path)));
}

/** Whether this process can open path for reading (open(2) and close, no symbol of its own: each costs stage 1 its trampoline). */
export function readable(path: string): boolean {
  const fd = c().open(cstr(path), O.RDONLY | O.CLOEXEC, 0);
  if (fd === -1) return false;
  c().close(fd);
  return true;
}

export function dup2(from: number, to: number): void {
  check(`dup2 ${from} ${to}`, c().dup2(from, to));
}

export function close(fd: number): void {
  c().close(fd);
}

/**
 * flock(2) on fd, exclusive or shared; with wait false, returns false at
 * once when another open file holds it. The kernel drops the lock when its
 * holder's last descriptor closes, so a lock never outlives a dead process.
 */
export function lockFile(fd: number, { exclusive = true, wait = false } = {}): boolean {
  const LOCK_SH = 1;
  const LOCK_EX = 2;
  const LOCK_NB = 4;
  for (;;) {
    if (c().flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB)) === 0) return true;
    const e = lastErrno();
    if (e === errno.EINTR && wait) continue;
    if (e === errno.EAGAIN || e === errno.EINTR) return false;
    throw new SysError("flock", e);
  }
}

/**
 * A write lock on the whole of fd's file, of the kind s6-setlock takes (an
 * fcntl record lock, which flock(2) does not see: an open file description's
 * own, F_OFD_SETLK); false at once when another holds it. Dropped, as
 * flock's, when the holder's last descriptor closes.
 */
export function lockRecords(fd: number): boolean {
  const F_OFD_SETLK = 37;
  const F_WRLCK = 1;
  const lock = new Int16Array(16); // struct flock, 32 bytes: l_type, l_whence (short), l_start, l_len (off_t), l_pid
  lock[0] = F_WRLCK;
  if (c().fcntl(fd, F_OFD_SETLK, lock) === 0) return true;
  const e = lastErrno();
  if (e === errno.EAGAIN || e === errno.EACCES) return false;
  throw new SysError("fcntl F_OFD_SETLK", e);
}

export function geteuid(): number {
  return c().geteuid();
}

function clockNs(clock: number): bigint {
  const timespec = new BigInt64Array(2);
  check("clock_gettime", c().clock_gettime(clock, timespec));
  return timespec[0] * 1_000_000_000n + timespec[1];
}

/** CLOCK_MONOTONIC in nanoseconds: one clock for every process, so marks from several compare. */
export const monotonicNs = () => clockNs(1);

/** CLOCK_REALTIME in nanoseconds: the clock a shell reads ($EPOCHREALTIME). */
export const realtimeNs = () => clockNs(0);
