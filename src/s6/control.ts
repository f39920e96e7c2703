// s6's control fifos (supervise/control, .s6-svscan/control): commands are
// single letters written into them, which is all s6-svc and s6-svscanctl do.
// Nobody listening means nobody supervises: a non-blocking open fails (ENXIO).
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { errorText, SystemError } from "../lib/errors.ts";

/** True when some process holds fifo open for reading. */
export function hasReader(fifo: string): boolean {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch {
    // ENXIO (no reader), ENOENT (no fifo yet): either way nobody listens.
    return false;
  }
}

/** Writes command letters into a control fifo; throws when nobody listens. */
export function writeControl(fifo: string, letters: string): void {
  let fd: number;
  try {
    fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new SystemError(`nobody listens on ${fifo}: ${errorText(error)}`);
  }
  try {
    writeSync(fd, letters);
  } finally {
    closeSync(fd);
  }
}
