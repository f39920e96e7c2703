import { describe, expect, test } from "bun:test";
import { buildGraph, findCycles } from "../../src/manager/compile/check.ts";
import { closure, resolveNames, UnknownServiceError } from "../../src/manager/graph.ts";
import type { Service, SourceSet } from "../../src/service.ts";

function service(name: string, fields: Partial<Service> = {}): Service {
  return { name, type: "oneshot", dir: `/src/${name}`, contents: [], dependencies: [], timeoutUp: 0, timeoutDown: 0, essential: false, consumerFor: [], up: "true", ...fields };
}

function sources(...services: Service[]): SourceSet {
  return { services: new Map(services.map((s) => [s.name, s])), broken: new Set(), problems: [] };
}

describe("findCycles", () => {
  test("finds each cycle once, in walking order from its smallest name", () => {
    const edges = new Map([
      ["b", ["c"]],
      ["c", ["a"]],
      ["a", ["b"]],
      ["d", ["d"]],
      ["e", ["a"]],
    ]);
    expect(findCycles(edges)).toEqual([["a", "b", "c"], ["d"]]);
  });

  test("a diamond is not a cycle", () => {
    const edges = new Map([
      ["top", ["left", "right"]],
      ["left", ["bottom"]],
      ["right", ["bottom"]],
      ["bottom", []],
    ]);
    expect(findCycles(edges)).toEqual([]);
  });
});

describe("buildGraph", () => {
  test("depending on a bundle means depending on everything in it, nested bundles included", () => {
    const graph = buildGraph(
      sources(
        service("a"),
        service("b"),
        service("inner", { type: "bundle", contents: ["b"] }),
        service("outer", { type: "bundle", contents: ["a", "inner"] }),
        service("user", { dependencies: ["outer"] }),
      ),
    );
    expect(graph.problems).toEqual([]);
    expect(graph.dependencies.get("user")?.sort()).toEqual(["a", "b"]);
    expect(graph.dependents.get("a")).toEqual(["user"]);
    expect(graph.bundles.get("outer")?.sort()).toEqual(["a", "b"]);
  });

  test("a bundle keeps its good members when one is broken, and says so", () => {
    const graph = buildGraph(sources(service("good"), service("bad", { dependencies: ["ghost"] }), service("all", { type: "bundle", contents: ["good", "bad"] })));
    expect(graph.bundles.get("all")).toEqual(["good"]);
    expect(graph.problems.map((p) => p.message)).toEqual(["depends on ghost, which does not exist", "leaves out broken service(s): bad"]);
  });
});

describe("names", () => {
  const graph = buildGraph(sources(service("a"), service("b", { dependencies: ["a"] }), service("c", { dependencies: ["b"] }), service("all", { type: "bundle", contents: ["c"] })));

  test("resolveNames expands bundles and refuses unknown names", () => {
    expect([...resolveNames(graph, ["all", "a"])].sort()).toEqual(["a", "c"]);
    expect(() => resolveNames(graph, ["nope"])).toThrow(UnknownServiceError);
  });

  test("closure follows dependencies one way and dependents the other", () => {
    expect([...closure(["c"], graph.dependencies)].sort()).toEqual(["a", "b", "c"]);
    expect([...closure(["a"], graph.dependents)].sort()).toEqual(["a", "b", "c"]);
  });
});

describe("at scale, without recursion", () => {
  const chain = (n: number, root: string[] = []) => Array.from({ length: n }, (_, i) => service(`s${i}`, { dependencies: i > 0 ? [`s${i - 1}`] : root }));

  test("a missing link at the bottom of a 20,000-long chain leaves out the whole chain, each naming the link below it", () => {
    const graph = buildGraph(sources(...chain(20_000, ["ghost"])));
    expect(graph.atoms.size).toBe(0);
    expect(graph.problems[0].message).toBe("depends on ghost, which does not exist");
    expect(graph.problems.at(-1)!.message).toBe("depends on s19998, which is broken and left out");
  });

  test("a cycle 20,000 long is found and told in walking order", () => {
    const ring = chain(20_000, ["s19999"]);
    const cycles = findCycles(new Map(ring.map((s) => [s.name, s.dependencies])));
    expect(cycles.length).toBe(1);
    expect(cycles[0].slice(0, 3)).toEqual(["s0", "s19999", "s19998"]);
  });

  test("bundles nested 20,000 deep flatten to their one service", () => {
    const nested = Array.from({ length: 20_000 }, (_, i) => service(`b${i}`, { type: "bundle", contents: [i > 0 ? `b${i - 1}` : "leaf"] }));
    const graph = buildGraph(sources(service("leaf"), ...nested));
    expect(graph.bundles.get("b19999")).toEqual(["leaf"]);
  });
});
