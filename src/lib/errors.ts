// goetia's one error contract, as s6 and s6-rc have it. Every command and
// stage ends with one of these exit codes; one function (exitCodeOf) turns
// whatever was thrown into one, and errorText into the line a person reads.
//   0    done
//   1    something failed: a service, a refused request, broken sources
//   2    timed out
//   100  usage: bad arguments, an unknown name
//   111  system: a syscall or file operation failed, or goetia itself did

export const EXIT = { OK: 0, FAILED: 1, TIMEOUT: 2, USAGE: 100, SYSTEM: 111 } as const;

/** An error that knows its exit code; its message is the whole line a person reads. */
export class GoetiaError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Bad arguments or names: exit 100. */
export class UsageError extends GoetiaError {
  constructor(message: string) {
    super(message, EXIT.USAGE);
  }
}

/** The request was understood and refused, or did not work out: exit 1. */
export class FailedError extends GoetiaError {
  constructor(message: string) {
    super(message, EXIT.FAILED);
  }
}

/** A wait reached its limit: exit 2. */
export class TimedOutError extends GoetiaError {
  constructor(message: string) {
    super(message, EXIT.TIMEOUT);
  }
}

/** Something the system would not do (a busy lock, no supervisor): exit 111. */
export class SystemError extends GoetiaError {
  constructor(message: string) {
    super(message, EXIT.SYSTEM);
  }
}

/** The exit code for a thrown error: its own, or 111 for a failed system call and anything unforeseen. */
export function exitCodeOf(error: unknown): number {
  return error instanceof GoetiaError ? error.exitCode : EXIT.SYSTEM;
}

/** What a caught error says, whatever was thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The errno code of a failed Node file operation ("ENOENT"...), if that is what it is. */
export function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

/**
 * A failed file operation's error, its message naming path where Node's
 * does not: a failed write says "ENOSPC: no space left on device, write",
 * and whoever reads it must know which file.
 */
export function namingFile(error: unknown, path: string): unknown {
  if (error instanceof Error && !error.message.includes(path)) error.message = `${error.message} '${path}'`;
  return error;
}
