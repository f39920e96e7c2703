// The boot's parts from its record: they add up to the total, on either
// path (the compiled bring-up, or stage 2); nothing before the bundle is up.
// Each service's way up from its events; blame, the chain, the summary.
import { expect, test } from "bun:test";
import { parseTimeline } from "../../src/lib/timeline.ts";
import { blame, bootEnd, bootParts, bootServices, bootSummary, criticalChain, took, wayDownParts } from "../../src/manager/analyze/boot.ts";
import type { Graph } from "../../src/manager/graph.ts";

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

const record = (text: string) => parseTimeline(text.replace(/^ +/gm, ""));

// A boot as the bring-up notes it: a oneshot, a longrun with readiness, one
// that fails, one skipped for it; then a change after the boot.
const boot = record(`boot 0 2026-11-30T174100-0123abcd
  stage1 1000000000
  svscan 1200000000
  asked 1210000000 base
  asked 1210000000 daemon
  asked 1210000000 broken
  asked 1210000000 above
  starting 1220000000 base
  up 1300000000 base
  starting 1310000000 daemon
  starting 1310000000 broken
  up 1400000000 daemon
  failed 1450000000 broken up script exited 3
  skipped 1450000000 above broken
  ready 1700000000 daemon
  bundle-not-up 1710000000 default
  stopping 5000000000 daemon goetia stop daemon (pid 9, uid 0)
  down 5100000000 daemon
  asked 6000000000 later
  starting 6000000000 later
  up 6100000000 later
`);

test("a boot record: each service's way up, on the boot clock, up to the boot's end", () => {
  const services = new Map(bootServices(boot).map((s) => [s.name, s]));
  expect([...services.keys()]).toEqual(["base", "daemon", "broken", "above"]);
  expect(services.get("base")).toMatchObject({ askedMs: 1210, startMs: 1220, upMs: 1300, endMs: 1300, outcome: "up" });
  expect(services.get("daemon")).toMatchObject({ startMs: 1310, upMs: 1400, readyMs: 1700, endMs: 1700, outcome: "up" });
  expect(services.get("broken")).toMatchObject({ outcome: "failed", reason: "up script exited 3", endMs: 1450 });
  expect(services.get("above")).toMatchObject({ outcome: "skipped", reason: "broken", endMs: 1450 });
  expect(services.get("above")!.startMs).toBeUndefined();
  expect(bootEnd(boot)).toEqual({ ns: 1710000000n, up: false, bundle: "default" });
});

test("blame: time to ready, slowest first, skipped ones left out; the summary counts every outcome", () => {
  expect(blame(bootServices(boot)).map((s) => [s.name, took(s)])).toEqual([
    ["daemon", 390],
    ["broken", 140],
    ["base", 80],
  ]);
  expect(bootSummary("default", boot)).toBe("bundle default not fully up: 2 services up in 1710 ms since the kernel started; 1 failed: broken; 1 skipped: above");
});

test("with no end yet, every way up so far; a torn last line is left out", () => {
  const going = record("stage1 1000000000\nasked 1100000000 a\nstarting 1100000000 a\nup 1150000000 a\nstarting 12");
  expect(bootServices(going)).toEqual([{ name: "a", askedMs: 1100, startMs: 1100, upMs: 1150, endMs: 1150, outcome: "up" }]);
  expect(bootParts(going)).toBeUndefined();
});

test("critical chain: of what each link needs, the one done last", () => {
  const graph = { dependencies: new Map([["daemon", ["base"]], ["broken", ["base"]], ["above", ["broken"]]]) } as unknown as Graph;
  expect(criticalChain(graph, bootServices(boot), ["daemon", "above"]).map((s) => s.name)).toEqual(["daemon", "base"]);
});

test("the way down, where a saved record holds it: its parts add up, from the request to the last process gone", () => {
  const saved = record(`requested 9000000000
    stage3-forked 9010000000
    stage3 9130000000
    services-stopping 9160000000
    services-down 9300000000
    stage4 9400000000
    processes-gone 9440000000
  `);
  const down = wayDownParts([...boot, ...saved])!;
  expect(down.parts.map((part) => part.ms)).toEqual([130, 170, 140]);
  expect(down.totalMs).toBe(440);
  expect(wayDownParts(boot)).toBeUndefined();
});
