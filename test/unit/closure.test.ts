// goetia reads the s6-rc source format as s6-rc does: for source trees
// covering every form of it, the atomic services of each bundle and the
// whole dependency closure of each service are what s6-rc-db would print
// (written down by hand from s6-rc's documented semantics); and trees that
// s6-rc-compile refuses are reported with the service, the file as written
// and the cause, while the rest loads.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildGraph } from "../../src/manager/compile/check.ts";
import { loadSources } from "../../src/manager/compile/source.ts";
import { closure, type Graph } from "../../src/manager/graph.ts";

const root = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "goetia-closure-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes a source tree ({ "category/name/file": text }) and loads it as goetia compiles it. */
function load(name: string, files: Record<string, string>): { graph: Graph; src: string } {
  const src = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(src, path)), { recursive: true });
    writeFileSync(join(src, path), text, { mode: path.endsWith("/run") ? 0o755 : 0o644 });
  }
  return { graph: buildGraph(loadSources(src)), src };
}

const RUN = "#!/bin/sh\nexec sleep 100\n";
const sorted = (names: Iterable<string>) => [...names].sort();
const bundlesOf = (graph: Graph) => Object.fromEntries([...graph.bundles].map(([name, atoms]) => [name, sorted(atoms)]));
/** What s6-rc-db all-dependencies prints: everything a service needs, however far. */
const closuresOf = (graph: Graph) =>
  Object.fromEntries([...graph.atoms.keys()].map((name) => [name, sorted(closure(graph.dependencies.get(name) ?? [], graph.dependencies))]));

describe("trees s6-rc compiles: the same bundles and closures", () => {
  test("list files and .d folders, bundles as dependencies, nested bundles, several source folders, essential flags", () => {
    const { graph } = load("forms", {
      "base/mount/type": "oneshot\n",
      "base/mount/up": "true\n",
      "base/mount/flag-essential": "",
      "base/syslog/type": "longrun\n",
      "base/syslog/run": RUN,
      "base/syslog/dependencies.d/mount": "",
      "net/ifup/type": "oneshot\n",
      "net/ifup/up": "true\n",
      "net/dhcp/type": "longrun\n",
      "net/dhcp/run": RUN,
      "net/dhcp/dependencies": "ifup\n",
      "net/net/type": "bundle\n",
      "net/net/contents.d/ifup": "",
      "net/net/contents.d/dhcp": "",
      "apps/web/type": "longrun\n",
      "apps/web/run": RUN,
      "apps/web/dependencies": "# both a bundle and a longrun\nnet\nsyslog\n",
      "apps/apps/type": "bundle\n",
      "apps/apps/contents": "web\n",
      "all/everything/type": "bundle\n",
      "all/everything/contents": "net\n",
      "all/everything/contents.d/apps": "",
    });
    expect(graph.problems).toEqual([]);
    expect(bundlesOf(graph)).toEqual({ net: ["dhcp", "ifup"], apps: ["web"], everything: ["dhcp", "ifup", "web"] });
    expect(closuresOf(graph)).toEqual({
      mount: [],
      syslog: ["mount"],
      ifup: [],
      dhcp: ["ifup"],
      web: ["dhcp", "ifup", "mount", "syslog"],
    });
    expect(graph.atoms.get("mount")?.essential).toBe(true);
  });

  test("pipelines: their bundles named in contents and in dependencies, chains, a bundle of pipelines", () => {
    const { graph } = load("pipelines", {
      "p/app/type": "longrun\n",
      "p/app/run": RUN,
      "p/app/producer-for": "app-log\n",
      "p/app-log/type": "longrun\n",
      "p/app-log/run": RUN,
      "p/app-log/consumer-for": "app\n",
      "p/app-log/pipeline-name": "app-pipeline\n",
      "p/first/type": "longrun\n",
      "p/first/run": RUN,
      "p/first/producer-for": "middle\n",
      "p/middle/type": "longrun\n",
      "p/middle/run": RUN,
      "p/middle/consumer-for": "first\n",
      "p/middle/producer-for": "last\n",
      "p/last/type": "longrun\n",
      "p/last/run": RUN,
      "p/last/consumer-for": "middle\n",
      "p/last/pipeline-name": "chain\n",
      "b/svc/type": "bundle\n",
      "b/svc/contents.d/app-pipeline": "",
      "b/outer/type": "bundle\n",
      "b/outer/contents": "chain\nsvc\n",
      "b/check/type": "oneshot\n",
      "b/check/up": "true\n",
      "b/check/dependencies.d/app-pipeline": "",
    });
    expect(graph.problems).toEqual([]);
    expect(bundlesOf(graph)).toEqual({
      "app-pipeline": ["app", "app-log"],
      chain: ["first", "last", "middle"],
      svc: ["app", "app-log"],
      outer: ["app", "app-log", "first", "last", "middle"],
    });
    // A producer depends on its consumer: the reader is there first.
    expect(closuresOf(graph)).toEqual({
      app: ["app-log"],
      "app-log": [],
      first: ["last", "middle"],
      middle: ["last"],
      last: [],
      check: ["app", "app-log"],
    });
  });
});

describe("trees s6-rc refuses: reported with the file as written, the rest loads", () => {
  test("a bundle naming what does not exist, through contents.d and through contents", () => {
    const { graph, src } = load("missing-member", {
      "x/good/type": "oneshot\n",
      "x/good/up": "true\n",
      "x/by-folder/type": "bundle\n",
      "x/by-folder/contents.d/good": "",
      "x/by-folder/contents.d/ghost": "",
      "x/by-file/type": "bundle\n",
      "x/by-file/contents": "good\nphantom\n",
    });
    expect(graph.problems.map((p) => `${p.file.slice(src.length + 1)}: ${p.message}`)).toEqual([
      "x/by-file/contents: contains phantom, which does not exist",
      "x/by-folder/contents.d/ghost: contains ghost, which does not exist",
    ]);
    expect(bundlesOf(graph)).toEqual({ "by-file": ["good"], "by-folder": ["good"] });
  });

  test("a pipeline member that depends on what does not exist: told, not a crash; the pipeline's bundle says what it lost", () => {
    const { graph, src } = load("broken-pipeline", {
      "p/app/type": "longrun\n",
      "p/app/run": RUN,
      "p/app/producer-for": "app-log\n",
      "p/app/dependencies.d/ghost": "",
      "p/app-log/type": "longrun\n",
      "p/app-log/run": RUN,
      "p/app-log/consumer-for": "app\n",
      "p/app-log/pipeline-name": "app-pipeline\n",
      "p/all/type": "bundle\n",
      "p/all/contents": "app-pipeline\n",
    });
    expect(graph.problems.map((p) => `${p.file.slice(src.length + 1)}: ${p.message}`).sort()).toEqual([
      "p/all/contents: leaves out broken service(s): app",
      "p/app-log/pipeline-name: leaves out broken service(s): app",
      "p/app/dependencies.d/ghost: depends on ghost, which does not exist",
    ]);
    expect(sorted(graph.atoms.keys())).toEqual(["app-log"]);
  });

  test("a cycle through a bundle names the file that closes it", () => {
    const { graph, src } = load("cycle", {
      "c/a/type": "oneshot\n",
      "c/a/up": "true\n",
      "c/a/dependencies.d/b": "",
      "c/b/type": "oneshot\n",
      "c/b/up": "true\n",
      "c/b/dependencies": "a\n",
      "c/c/type": "oneshot\n",
      "c/c/up": "true\n",
    });
    expect(graph.problems.map((p) => `${p.file.slice(src.length + 1)}: ${p.message}`).sort()).toEqual([
      "c/a/dependencies.d/b: dependency cycle: a -> b -> a",
      "c/b/dependencies: dependency cycle: a -> b -> a",
    ]);
    expect(sorted(graph.atoms.keys())).toEqual(["c"]);
  });
});
