// Templates (a source folder NAME@): each TEMPLATE@ARG that something names
// is an instance with the template's files and dependencies; a template is no
// service of its own; one that cannot be instantiated is reported, and what
// names its instances is told they are broken.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildGraph } from "../../src/manager/compile/check.ts";
import { loadSources } from "../../src/manager/compile/source.ts";
import { instantiateTemplates } from "../../src/manager/compile/templates.ts";
import { closure } from "../../src/manager/graph.ts";

const root = mkdtempSync(join(tmpdir(), "goetia-templates-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function load(name: string, files: Record<string, string>) {
  const src = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(src, path)), { recursive: true });
    writeFileSync(join(src, path), text, { mode: path.endsWith("/run") ? 0o755 : 0o644 });
  }
  const sources = loadSources(src);
  instantiateTemplates(sources);
  return buildGraph(sources);
}

const RUN = "#!/bin/sh\nexec sleep 100\n";

test("each instance named is a service of its own, with the template's dependencies; the template is not one", () => {
  const graph = load("instances", {
    "base/net/type": "oneshot\n",
    "base/net/up": "true\n",
    "base/getty@/type": "longrun\n",
    "base/getty@/run": RUN,
    "base/getty@/dependencies": "net\n",
    "base/tty-helper@/type": "longrun\n",
    "base/tty-helper@/run": RUN,
    "base/login/type": "bundle\n",
    "base/login/contents": "getty@tty1\ngetty@ttyS0\n",
    "base/app/type": "longrun\n",
    "base/app/run": RUN,
    "base/app/dependencies": "tty-helper@a:b@c\n",
  });
  expect(graph.problems).toEqual([]);
  expect([...graph.atoms.keys()].sort()).toEqual(["app", "getty@tty1", "getty@ttyS0", "net", "tty-helper@a:b@c"]);
  expect(graph.atoms.get("getty@ttyS0")).toMatchObject({ type: "longrun", instance: "ttyS0" });
  expect(graph.atoms.get("tty-helper@a:b@c")?.instance).toBe("a:b@c");
  expect([...closure(graph.dependencies.get("getty@tty1") ?? [], graph.dependencies)]).toEqual(["net"]);
  expect(graph.bundles.get("login")?.sort()).toEqual(["getty@tty1", "getty@ttyS0"]);
});

test("a template that cannot be instantiated is named, and so is what names its instances; an unknown template's instance does not exist", () => {
  const graph = load("unfit", {
    "base/setup@/type": "oneshot\n",
    "base/setup@/up": "true\n",
    "base/piped@/type": "longrun\n",
    "base/piped@/run": RUN,
    "base/piped@/producer-for": "sink\n",
    "base/all/type": "bundle\n",
    "base/all/contents": "setup@x\npiped@y\nnowhere@z\n",
  });
  const said = graph.problems.map((p) => `${p.service}: ${p.message}`);
  expect(said).toContain("setup@: not usable as a template: a oneshot cannot be told its instance; templates are longruns");
  expect(said.some((line) => line.startsWith("piped@: not usable as a template: its instances would all claim the same pipeline"))).toBe(true);
  expect(said).toContain("all: leaves out broken service(s): setup@x, piped@y");
  expect(said).toContain("all: contains nowhere@z, which does not exist");
  expect(graph.atoms.size).toBe(0);
});
