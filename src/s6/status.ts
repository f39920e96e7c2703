// supervise/status, the 35 bytes s6-supervise replaces (write, rename) at
// every change of its service: s6 2.11's s6_svstatus_pack.
//   0  stamp        TAI64N, 12 bytes: when the service last went up or down
//  12  ready stamp  TAI64N, 12 bytes: when it last said it was ready
//  24  pid          u64, 0 when down
//  32  wait status  u16, how the last run ended
//  34  flags        1 paused, 2 finishing, 4 want up, 8 ready
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isMissing } from "../lib/files.ts";

export interface SuperviseStatus {
  /** The daemon's pid, or 0 when it is not running. */
  pid: number;
  /** When it last went up or down (ms since the epoch). */
  since: number;
  /** Raw TAI64N stamps, to tell one transition from the next. */
  stamp: string;
  readyStamp: string;
  finishing: boolean;
  /** It was asked up (s6-svc -u) and s6-supervise keeps it so. */
  wantUp: boolean;
  ready: boolean;
  /** When down: how the last run ended. */
  exitCode?: number;
  signal?: number;
}

export const STATUS_SIZE = 35;

/**
 * A TAI64 label less this is Unix time: skalibs writes 2^62 + TAI, and TAI
 * runs 10 s plus every leap second ahead of UTC (27 of them, the last at the
 * end of 2016).
 */
const TAI64_UNIX_OFFSET = 2n ** 62n + 10n + 27n;

export function decodeStatus(bytes: Uint8Array): SuperviseStatus {
  if (bytes.length < STATUS_SIZE) throw new Error(`supervise/status: ${bytes.length} bytes, expected ${STATUS_SIZE}`);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const seconds = buffer.readBigUInt64BE(0) - TAI64_UNIX_OFFSET;
  const finishing = (buffer[34] & 2) !== 0;
  const status: SuperviseStatus = {
    // While ./finish runs, the pid is the finish script's: the daemon is down, as s6-svstat says.
    pid: finishing ? 0 : Number(buffer.readBigUInt64BE(24)),
    since: Number(seconds) * 1000 + Math.floor(buffer.readUInt32BE(8) / 1e6),
    stamp: buffer.toString("hex", 0, 12),
    readyStamp: buffer.toString("hex", 12, 24),
    finishing,
    wantUp: (buffer[34] & 4) !== 0,
    ready: (buffer[34] & 8) !== 0,
  };
  const wstat = buffer.readUInt16BE(32);
  if (status.pid === 0 && (wstat & 0x7f) === 0) status.exitCode = (wstat >> 8) & 0xff;
  else if (status.pid === 0) status.signal = wstat & 0x7f;
  return status;
}

/** The service's status, or undefined while it has no supervisor yet (no status file, or one being written). */
export function readStatus(dir: string): SuperviseStatus | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, "supervise", "status"));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  return bytes.length < STATUS_SIZE ? undefined : decodeStatus(bytes);
}

/** One death in supervise/death_tally (s6_dtally_pack): a TAI64N stamp, the exit code, the signal. */
const DEATH_SIZE = 14;

/** How many of the service's deaths s6-supervise keeps on record (its max-death-tally at most; 0 without a tally). */
export function deathCount(dir: string): number {
  try {
    return Math.floor(statSync(join(dir, "supervise", "death_tally")).size / DEATH_SIZE);
  } catch (error) {
    if (isMissing(error)) return 0;
    throw error;
  }
}
