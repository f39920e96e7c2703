// The boot's parts from its timeline: they add up to the total, on either
// path (the compiled bring-up, or stage 2); nothing before the bundle is up.
import { expect, test } from "bun:test";
import { blame, bootParts, transitions } from "../../src/manager/analyze/boot.ts";

const marks = (list: [string, number][]) => list.map(([what, ms]) => ({ what, ns: BigInt(ms) * 1_000_000n }));

test("the compiled bring-up's boot: kernel, stage 1, the services, adding up to the total", () => {
  const boot = bootParts(marks([["stage1", 2600], ["bringup", 2750], ["svscan", 2800], ["bundle-up", 3100]]))!;
  expect(boot.parts.map((part) => part.ms)).toEqual([2600, 200, 300]);
  expect(boot.parts.reduce((sum, part) => sum + part.ms, 0)).toBe(boot.totalMs);
  expect(boot).toMatchObject({ totalMs: 3100, up: true });
});

test("stage 2's boot counts its own Bun start; a bundle not fully up is still a total; no end, no analysis", () => {
  const boot = bootParts(marks([["stage1", 2600], ["stage2-forked", 2700], ["stage2", 3100], ["scanned", 3150], ["bundle-not-up", 3900]]))!;
  expect(boot.parts.map((part) => part.ms)).toEqual([2600, 100, 400, 800]);
  expect(boot).toMatchObject({ totalMs: 3900, up: false });
  expect(bootParts(marks([["stage1", 2600], ["svscan", 2800]]))).toBeUndefined();
});

test("records move onto the boot clock; blame sorts by time taken, and leaves out what never moved", () => {
  const records = new Map([
    ["a", { phase: "up" as const, since: 10_500, durationMs: 100 }],
    ["b", { phase: "failed" as const, since: 10_900, durationMs: 400, reason: "up script exited 1" }],
    ["never", { phase: "down" as const, since: 0 }],
  ]);
  const found = transitions(records, 10_000);
  expect(found.find((t) => t.name === "a")).toMatchObject({ startMs: 400, endMs: 500 });
  expect(blame(found).map((t) => t.name)).toEqual(["b", "a"]);
});
