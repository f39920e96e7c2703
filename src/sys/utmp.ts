// The login records glibc keeps (utmp(5)): /run/utmp, what is now (the
// boot, the runlevel), and /var/log/wtmp, the history. `who -b`,
// `runlevel` and invoke-rc.d, `last reboot` read them. A record is glibc's
// struct utmp on x86-64, 384 bytes, little-endian.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";

export const UTMP = "/run/utmp";
export const WTMP = "/var/log/wtmp";

export const RECORD_SIZE = 384;
export const TYPE = { RUN_LVL: 1, BOOT_TIME: 2 } as const;

export interface LoginRecord {
  type: number;
  pid: number;
  line: string;
  id: string;
  user: string;
  host: string;
  /** Seconds since the epoch, and the microseconds beyond. */
  seconds: number;
  microseconds: number;
}

/** Where each field lies, and how long the strings may be (not NUL-terminated when full). */
const FIELDS = { type: 0, pid: 4, line: [8, 32], id: [40, 4], user: [44, 32], host: [76, 256], seconds: 340, microseconds: 344 } as const;

export function encodeRecord(record: LoginRecord): Uint8Array {
  const bytes = new Uint8Array(RECORD_SIZE);
  const view = new DataView(bytes.buffer);
  view.setInt16(FIELDS.type, record.type, true);
  view.setInt32(FIELDS.pid, record.pid, true);
  for (const field of ["line", "id", "user", "host"] as const) {
    const [offset, size] = FIELDS[field];
    bytes.set(new TextEncoder().encode(record[field]).subarray(0, size), offset);
  }
  view.setInt32(FIELDS.seconds, record.seconds, true);
  view.setInt32(FIELDS.microseconds, record.microseconds, true);
  return bytes;
}

export function decodeRecords(bytes: Uint8Array): LoginRecord[] {
  const records: LoginRecord[] = [];
  for (let at = 0; at + RECORD_SIZE <= bytes.length; at += RECORD_SIZE) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, RECORD_SIZE);
    const text = ([offset, size]: readonly [number, number]) => {
      const field = bytes.subarray(at + offset, at + offset + size);
      const end = field.indexOf(0);
      return new TextDecoder().decode(end === -1 ? field : field.subarray(0, end));
    };
    records.push({
      type: view.getInt16(FIELDS.type, true),
      pid: view.getInt32(FIELDS.pid, true),
      line: text(FIELDS.line),
      id: text(FIELDS.id),
      user: text(FIELDS.user),
      host: text(FIELDS.host),
      seconds: view.getInt32(FIELDS.seconds, true),
      microseconds: view.getInt32(FIELDS.microseconds, true),
    });
  }
  return records;
}

/** The record of a boot (`who -b`, `last reboot`): when the kernel started, and its release. */
export const bootRecord = (startMs: number, release: string): LoginRecord => ({
  type: TYPE.BOOT_TIME,
  pid: 0,
  line: "~",
  id: "~~",
  user: "reboot",
  host: release,
  ...at(startMs),
});

/** A change of runlevel (sysvinit's digits: 2 up, 0 going off, 6 rebooting), from previous ("N": none). */
export const runlevelRecord = (runlevel: string, previous: string, nowMs: number, user = "runlevel"): LoginRecord => ({
  type: TYPE.RUN_LVL,
  pid: runlevel.charCodeAt(0) + 256 * previous.charCodeAt(0),
  line: "~",
  id: "~~",
  user,
  host: "",
  ...at(nowMs),
});

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), microseconds: Math.floor((ms % 1000) * 1000) });

/** Puts records in utmp, each in place of the one of its type there (there is one boot and one runlevel), keeping the rest. */
export function replaceInUtmp(path: string, records: LoginRecord[]): void {
  let kept: LoginRecord[] = [];
  try {
    kept = decodeRecords(readFileSync(path)).filter((old) => !records.some((record) => record.type === old.type));
  } catch {
    // None yet: this boot's first.
  }
  writeFileSync(path, Buffer.concat([...kept, ...records].map(encodeRecord)), { mode: 0o664 });
}

/** Adds records to the history. */
export function appendToWtmp(path: string, records: LoginRecord[]): void {
  appendFileSync(path, Buffer.concat(records.map(encodeRecord)), { mode: 0o664 });
}
