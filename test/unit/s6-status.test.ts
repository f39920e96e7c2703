// Decoding supervise/status, against bytes that Debian's s6-supervise 2.11
// wrote on this kind of machine (captured with xxd -p while s6-svstat said
// what each comment says).
import { describe, expect, test } from "bun:test";
import { decodeStatus, STATUS_SIZE } from "../../src/s6/status.ts";

const fixture = (hex: string) => Buffer.from(hex, "hex");

describe("decodeStatus", () => {
  test("a service never started: down, no pid, exit code 0", () => {
    const status = decodeStatus(fixture("400000006b06241f28ad0642400000006b06241f28ad06420000000000000000000008"));
    expect(status.pid).toBe(0);
    expect(status.exitCode).toBe(0);
    expect(status.signal).toBeUndefined();
    expect(status.finishing).toBe(false);
  });

  test("up (pid 18943) and ready: pid, ready flag, both stamps, since in UTC", () => {
    const status = decodeStatus(fixture("400000006b0624200becfa33400000006b0624200bf17af600000000000049ff00000c"));
    expect(status.pid).toBe(18943);
    expect(status.ready).toBe(true);
    expect(status.exitCode).toBeUndefined();
    expect(status.stamp).toBe("400000006b0624200becfa33");
    expect(status.readyStamp).toBe("400000006b0624200bf17af6");
    // Captured seconds before the host clock read 23:55:45 UTC; without the 27 leap seconds this would be 23:56:06.
    expect(new Date(status.since).toISOString()).toBe("2026-11-24T23:55:39.200Z");
  });

  test("down (signal SIGKILL)", () => {
    const status = decodeStatus(fixture("400000006b0624200c53a407400000006b0624200c5c12f7000000000000000000090c"));
    expect(status.pid).toBe(0);
    expect(status.signal).toBe(9);
    expect(status.exitCode).toBeUndefined();
  });

  test("down (exitcode 3)", () => {
    const status = decodeStatus(fixture("400000006b0624201f18f9bd400000006b0624201f2092ce0000000000000000030008"));
    expect(status.pid).toBe(0);
    expect(status.exitCode).toBe(3);
    expect(status.signal).toBeUndefined();
  });

  test("finishing: the flag that keeps a down from counting until the finish script is done", () => {
    const bytes = fixture("400000006b0624201f18f9bd400000006b0624201f2092ce0000000000000000030008");
    bytes[34] |= 2;
    expect(decodeStatus(bytes).finishing).toBe(true);
  });

  test("a short file is refused, not misread", () => {
    expect(() => decodeStatus(new Uint8Array(STATUS_SIZE - 1))).toThrow("34 bytes, expected 35");
  });
});
