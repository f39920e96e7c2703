// The login records goetia writes, read back by the readers Debian has:
// coreutils' who and util-linux's utmpdump and last read glibc's struct
// utmp, so a field out of place shows as a wrong answer there.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendToWtmp, bootRecord, decodeRecords, encodeRecord, replaceInUtmp, runlevelRecord, RECORD_SIZE } from "../../src/sys/utmp.ts";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (argv: string[]) => Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe", env: { ...process.env, TZ: "UTC", LC_ALL: "C" } }).stdout.toString();
const BOOTED = Date.UTC(2026, 11, 3, 9, 30, 15, 250);

test("a boot and its runlevel, as who, utmpdump and last read them", () => {
  dir = mkdtempSync(join(tmpdir(), "goetia-utmp-"));
  const utmp = join(dir, "utmp");
  const wtmp = join(dir, "wtmp");
  const records = [bootRecord(BOOTED, "6.1.0-50-amd64"), runlevelRecord("2", "N", BOOTED + 30_000)];
  replaceInUtmp(utmp, records);
  appendToWtmp(wtmp, records);

  expect(read(["who", "-b", utmp])).toMatch(/system boot\s+Dec  3 09:30/);
  expect(read(["who", "-r", utmp])).toMatch(/run-level 2\s+Dec  3 09:30/);
  const dump = read(["utmpdump", utmp]);
  expect(dump).toContain("[2] [00000] [~~  ] [reboot  ] [~           ] [6.1.0-50-amd64");
  expect(dump).toContain("2026-12-03T09:30:15,250000+00:00");
  expect(read(["last", "-f", wtmp, "reboot"])).toMatch(/reboot\s+system boot\s+6\.1\.0-50-amd64/);

  // The way down: the runlevel replaced in utmp, the boot kept; the history grows.
  replaceInUtmp(utmp, [runlevelRecord("0", "2", BOOTED + 90_000)]);
  appendToWtmp(wtmp, [runlevelRecord("0", "2", BOOTED + 90_000, "shutdown")]);
  expect(read(["who", "-r", utmp])).toMatch(/run-level 0 .*last=2/);
  expect(read(["who", "-b", utmp])).toMatch(/system boot/);
  expect(decodeRecords(readFileSync(utmp)).map((record) => record.user)).toEqual(["reboot", "runlevel"]);
  expect(read(["last", "-x", "-f", wtmp])).toMatch(/shutdown\s+system down/);
});

test("strings are cut to their fields, and a record decodes to itself", () => {
  dir = mkdtempSync(join(tmpdir(), "goetia-utmp-"));
  const long = { ...bootRecord(BOOTED, "x".repeat(300)), user: "u".repeat(40) };
  const bytes = encodeRecord(long);
  expect(bytes.length).toBe(RECORD_SIZE);
  const [back] = decodeRecords(bytes);
  expect(back.host).toBe("x".repeat(256));
  expect(back.user).toBe("u".repeat(32));
  expect(back.seconds).toBe(Math.floor(BOOTED / 1000));
  expect(back.microseconds).toBe(250_000);
});
