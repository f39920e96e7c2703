// Planning and scheduling a change, in-process: the graph is built from
// service records, phases and transitions are plain functions.
import { describe, expect, test } from "bun:test";
import { buildGraph } from "../../src/manager/compile/check.ts";
import type { Service } from "../../src/service.ts";
import { schedule } from "../../src/manager/run/engine.ts";
import { planChange, waitsFor, waves } from "../../src/manager/run/plan.ts";
import type { Phase } from "../../src/manager/run/state.ts";
import type { Outcome } from "../../src/manager/run/transition.ts";

function service(name: string, dependencies: string[] = [], fields: Partial<Service> = {}): Service {
  return { name, type: "oneshot", dir: `/src/${name}`, contents: [], dependencies, timeoutUp: 0, timeoutDown: 0, essential: false, consumerFor: [], up: "true", ...fields };
}

function graphOf(...services: Service[]) {
  return buildGraph({ services: new Map(services.map((s) => [s.name, s])), broken: new Set(), problems: [] });
}

//   a ─▶ b ─▶ d      (x ─▶ y: y depends on x)
//   a ─▶ c ─▶ d
//   e
const diamond = graphOf(service("a"), service("b", ["a"]), service("c", ["a"]), service("d", ["b", "c"]), service("e"));
const allDown = (): Phase => "down";

describe("planChange", () => {
  test("up takes the dependencies along, less what is already up", () => {
    expect([...planChange(diamond, allDown, "up", ["d"])].sort()).toEqual(["a", "b", "c", "d"]);
    const phases: Record<string, Phase> = { a: "up", b: "up" };
    expect([...planChange(diamond, (name) => phases[name] ?? "down", "up", ["d"])].sort()).toEqual(["c", "d"]);
  });

  test("down takes the dependents along; a failed oneshot has nothing to undo, a failed longrun does", () => {
    const phases: Record<string, Phase> = { a: "up", b: "up", c: "failed", d: "failed" };
    const graph = graphOf(service("a"), service("b", ["a"]), service("c", ["a"]), service("d", ["b", "c"], { type: "longrun" }));
    expect([...planChange(graph, (name) => phases[name], "down", ["a"])].sort()).toEqual(["a", "b", "d"]);
  });

  test("going down, an essential service stays, and so does what it needs, unless included", () => {
    const graph = graphOf(service("base"), service("vital", ["base"], { essential: true }), service("extra", ["base"]));
    const up = (): Phase => "up";
    expect([...planChange(graph, up, "down", ["base"])]).toEqual(["extra"]);
    expect([...planChange(graph, up, "down", ["base"], { includeEssential: true })].sort()).toEqual(["base", "extra", "vital"]);
  });

  test("a chain 20,000 long plans without running out of stack", () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => service(`s${i}`, i > 0 ? [`s${i - 1}`] : []));
    const graph = graphOf(...chain);
    expect(planChange(graph, allDown, "up", ["s19999"]).size).toBe(20_000);
    expect(waves(graph, "up", new Set(graph.atoms.keys())).length).toBe(20_000);
  });
});

describe("waves", () => {
  test("each wave waits only for the waves before it, sorted within", () => {
    const all = new Set(["a", "b", "c", "d", "e"]);
    expect(waves(diamond, "up", all)).toEqual([["a", "e"], ["b", "c"], ["d"]]);
    expect(waves(diamond, "down", all)).toEqual([["d", "e"], ["b", "c"], ["a"]]);
  });

  test("what the plan leaves out is not waited for", () => {
    expect(waves(diamond, "up", new Set(["b", "d"]))).toEqual([["b"], ["d"]]);
  });
});

describe("schedule", () => {
  const outcome = (name: string, ok: boolean): Outcome => ({ name, ok, skipped: false, durationMs: 0 });
  const skipped = (name: string, blocker: string): Outcome => ({ name, ok: false, skipped: true, reason: `dependency ${blocker} failed`, durationMs: 0 });

  test("a service starts only once what it waits for is done, and independent ones start at once", async () => {
    const events: string[] = [];
    const act = async (name: string) => {
      events.push(`start ${name}`);
      await Bun.sleep(name === "e" ? 30 : 5);
      events.push(`end ${name}`);
      return outcome(name, true);
    };
    const all = new Set(["a", "b", "c", "d", "e"]);
    const outcomes = await schedule(waitsFor(diamond, "up"), all, act, skipped);
    expect(outcomes.map((o) => o.name)).toEqual(["a", "b", "c", "d", "e"]);
    expect(events.slice(0, 2).sort()).toEqual(["start a", "start e"]);
    expect(events.indexOf("end a")).toBeLessThan(events.indexOf("start b"));
    expect(events.indexOf("end b")).toBeLessThan(events.indexOf("start d"));
    expect(events.indexOf("end c")).toBeLessThan(events.indexOf("start d"));
    // e took longest, yet the branch a-b-c-d did not wait for it.
    expect(events.indexOf("start d")).toBeLessThan(events.indexOf("end e"));
  });

  test("a failure skips what waits for it, naming it, and nothing else", async () => {
    const acted: string[] = [];
    const act = async (name: string) => (acted.push(name), outcome(name, name !== "b"));
    const outcomes = await schedule(waitsFor(diamond, "up"), new Set(["a", "b", "c", "d", "e"]), act, skipped);
    expect(acted.sort()).toEqual(["a", "b", "c", "e"]);
    expect(outcomes.find((o) => o.name === "d")).toEqual(skipped("d", "b"));
  });

  test("a throwing act is a failure, and the change still ends", async () => {
    const act = async (name: string): Promise<Outcome> => {
      if (name === "a") throw new Error("no space left on device");
      return outcome(name, true);
    };
    const outcomes = await schedule(waitsFor(diamond, "up"), new Set(["a", "b", "e"]), act, skipped);
    expect(outcomes.map((o) => [o.name, o.ok, o.skipped, o.reason])).toEqual([
      ["a", false, false, "no space left on device"],
      ["b", false, true, "dependency a failed"],
      ["e", true, false, undefined],
    ]);
  });

  test("a skip cascades down a 20,000-long chain without running out of stack", async () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => service(`s${i}`, i > 0 ? [`s${i - 1}`] : []));
    const graph = graphOf(...chain);
    const outcomes = await schedule(waitsFor(graph, "up"), new Set(graph.atoms.keys()), async (name) => outcome(name, false), skipped);
    expect(outcomes.filter((o) => o.skipped).length).toBe(19_999);
  });
});
