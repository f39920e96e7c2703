// The shape of the code, checked from its import lines: every import runs
// down the layers doc/DESIGN.md draws, no module imports itself in a circle,
// and the light entries (help, status) do not load the way down. (That they open no FFI is checked by running them:
// test/manager/light.test.ts.)
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = join(import.meta.dir, "..", "..", "src");

type Kind = "static" | "type" | "dynamic";

/** Every module under src/ with the modules it imports, and how: import, import type, import() or require() at the call. */
function importGraph(): Map<string, { target: string; kind: Kind }[]> {
  const graph = new Map<string, { target: string; kind: Kind }[]>();
  for (const file of readdirSync(SRC, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(SRC, file), "utf8");
    const edge = (path: string, kind: Kind) => ({ target: relative(SRC, resolve(dirname(join(SRC, file)), path)), kind });
    graph.set(file, [
      ...[...text.matchAll(/^import (type )?[^;]*? from "(\.[^"]+)";/gms)].map(([, type, path]) => edge(path, type ? "type" : "static")),
      ...[...text.matchAll(/(?:import|require)\("(\.[^"]+)"\)/g)].map(([, path]) => edge(path, "dynamic")),
    ]);
  }
  return graph;
}

const graph = importGraph();

/**
 * The folders from the top down, as doc/DESIGN.md draws them: a module may
 * import from its own layer and from those below it. The first prefix a
 * module's path starts with is its layer.
 */
const LAYERS = ["main.ts", "cli/", "svcdef/", "user/", "shutdown/", "boot/", "manager/run/", "manager/analyze/", "manager/compile/", "manager/", "systemd/", "service.ts", "helpers/", "s6/", "roles.ts", "lib/", "sys/", "text.d.ts"];

/** The imports of graph that run back up a layer, each as "file (layer) -> target (layer)". */
function upward(graph: Map<string, { target: string; kind: Kind }[]>): string[] {
  return [...graph.entries()].flatMap(([file, edges]) =>
    edges.filter(({ target }) => layerOf(target) < layerOf(file)).map(({ target }) => `${file} (${LAYERS[layerOf(file)]}) -> ${target} (${LAYERS[layerOf(target)]})`),
  );
}

function layerOf(file: string): number {
  const layer = LAYERS.findIndex((prefix) => file === prefix || (prefix.endsWith("/") && file.startsWith(prefix)));
  if (layer === -1) throw new Error(`${file}: in no layer of the design's (structure.test.ts LAYERS)`);
  return layer;
}

/** The modules loaded from start through imports of the given kinds. */
function reachable(start: string, kinds: Kind[]): Set<string> {
  const seen = new Set<string>();
  const pending = [start];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const { target, kind } of graph.get(file) ?? []) if (kinds.includes(kind)) pending.push(target);
  }
  return seen;
}

describe("imports", () => {
  test("no circle anywhere in src/, type imports included", () => {
    const circles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "visiting") return void circles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
      state.set(file, "visiting");
      for (const { target } of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file, []);
    expect(circles).toEqual([]);
  });

  test("every import names a module that exists", () => {
    // Modules, and files bundled as text (the bring-up's driver).
    const exists = (target: string) => graph.has(target) || (!target.endsWith(".ts") && existsSync(join(SRC, target)));
    const missing = [...graph.entries()].flatMap(([file, edges]) => edges.filter(({ target }) => !exists(target)).map(({ target }) => `${file} -> ${target}`));
    expect(missing).toEqual([]);
  });

  test("every import runs down the layers doc/DESIGN.md draws, never back up", () => {
    expect(upward(graph)).toEqual([]);
  });

  test("and that check can fail: a made-up import from lib/ up into manager/ is caught", () => {
    expect(upward(new Map([["lib/tree.ts", [{ target: "manager/graph.ts", kind: "static" }]]]))).toEqual(["lib/tree.ts (lib/) -> manager/graph.ts (manager/)"]);
  });

  const shutdownCode = (files: Set<string>) => [...files].filter((file) => file.startsWith("shutdown/")).sort();

  test("choosing a role loads nothing but the role table", () => {
    expect([...reachable("main.ts", ["static"])].sort()).toEqual(["main.ts", "roles.ts"]);
  });

  test("goetia --help and goetia status load no shutdown code", () => {
    expect(shutdownCode(reachable("cli/index.ts", ["static"]))).toEqual([]);
    expect(shutdownCode(reachable("cli/commands/status.ts", ["static", "dynamic"]))).toEqual([]);
  });

  test("goetia status and goetia logs load of the compiler only its stamp (the rest at the call, when the sources changed)", () => {
    for (const entry of ["cli/commands/status.ts", "cli/commands/logs.ts"]) {
      const compiler = [...reachable(entry, ["static"])].filter((file) => file.startsWith("manager/compile/")).sort();
      expect(compiler).toEqual(["manager/compile/stamp.ts"]);
    }
    expect([...reachable("cli/commands/status.ts", ["static", "dynamic"])]).toContain("manager/compile/compile.ts");
  });

  test("and the check itself can fail: poweroff does load it", () => {
    expect(shutdownCode(reachable("cli/commands/poweroff.ts", ["static"]))).toContain("shutdown/request.ts");
  });

  /** The runtime's modules (node:..., bun:...) that the modules loaded from entry import as they load. */
  const runtimeModules = (entry: string) =>
    [...new Set([...reachable(entry, ["static"])].flatMap((file) => [...readFileSync(join(SRC, file), "utf8").matchAll(/^import [^;]*? from "((?:node|bun):[^"]+)";/gms)].map(([, name]) => name)))].sort();

  test("stage 1 loads of the runtime only bun:ffi and node:path (node:fs alone costs a boot 100 ms under emulation)", () => {
    expect(runtimeModules("boot/stage1.ts")).toEqual(["bun:ffi", "node:path"]);
  });

  test("and that check can fail: stage 2 does load node:fs", () => {
    expect(runtimeModules("boot/stage2.ts")).toContain("node:fs");
  });
});
