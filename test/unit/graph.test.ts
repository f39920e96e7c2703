import { describe, expect, test } from "bun:test";
import { buildGraph, findCycles } from "../../src/manager/compile/check.ts";
import type { SourceSet } from "../../src/manager/compile/source.ts";
import { closure, resolveNames, UnknownServiceError } from "../../src/manager/graph.ts";
import type { Service } from "../../src/manager/service.ts";

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
