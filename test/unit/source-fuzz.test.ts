// The source reader and the graph check on 2,000 generated source trees
// (seeded): names good and bad, files of every kind holding good values,
// garbage and binary bytes, links that lead nowhere. Whatever the input,
// nothing throws, every problem names its service and a file in the tree,
// and what loads is consistent: a service's dependencies and a bundle's
// contents are services that loaded too.
import { afterAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildGraph } from "../../src/manager/compile/check.ts";
import { loadSources } from "../../src/manager/compile/source.ts";
import { badNameReason } from "../../src/lib/names.ts";
import { random } from "../helpers/random.ts";

// On a tmpfs when there is one: thousands of small files.
const root = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "goetia-fuzz-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));


test("2,000 generated source trees: no throw, every problem placed, what loads is consistent", () => {
  const next = random(7);
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)];
  const names = ["a", "b", "c", "d", "pipe", ".hidden", "s6rc-x", "s6-rc-y", "ctl\x1b", "x".repeat(245), "ok-1", "ghost"];
  const garbage = () => pick(["", "\n", "\0\x01\xff", "longrun", "oneshot", "bundle", "  oneshot  # comment\n", "99999999999999999999", "-1", "12", "3", "\x1b[2J"]);
  const nameList = () => Array.from({ length: Math.floor(next() * 4) }, () => pick(names)).join(pick(["\n", " ", "\n\n"]));
  const files: Record<string, () => string> = {
    type: () => (next() < 0.8 ? pick(["longrun", "oneshot", "bundle"]) + "\n" : garbage()),
    dependencies: nameList,
    contents: nameList,
    "timeout-up": () => pick(["0", "100", "2147483647", "2147483648", "abc", ""]),
    "notification-fd": () => pick(["3", "1", "1023", "1024", "x"]),
    up: () => pick(["true", "echo hi", "", "\0"]),
    down: () => pick(["true", garbage()]),
    run: () => pick(["#!/bin/sh\nexec sleep 1\n", "#!/no/such\n", "not a script", ""]),
    "producer-for": () => pick(names),
    "consumer-for": nameList,
    "pipeline-name": () => pick(["pipe-bundle", "a", ""]),
    "flag-essential": () => "",
  };
  let problems = 0;
  let loaded = 0;
  for (let n = 0; n < 2000; n++) {
    const src = join(root, String(n), "src");
    mkdirSync(src, { recursive: true });
    for (let s = Math.floor(next() * 5); s > 0; s--) {
      const name = pick(names);
      const dir = next() < 0.5 ? join(src, name) : join(src, "cat", name);
      mkdirSync(dir, { recursive: true });
      for (const [file, make] of Object.entries(files)) {
        if (next() < (file === "type" ? 0.95 : 0.3)) writeFileSync(join(dir, file), make());
      }
      // Half of them made well, so that good services meet bad ones.
      if (next() < 0.5) {
        const longrun = next() < 0.5;
        writeFileSync(join(dir, "type"), longrun ? "longrun\n" : "oneshot\n");
        writeFileSync(join(dir, longrun ? "run" : "up"), longrun ? "#!/bin/sh\nexec sleep 1\n" : "true\n", { mode: 0o755 });
      }
      if (next() < 0.3) chmodSync(join(dir), 0o755);
      if (next() < 0.2) writeFileSync(join(dir, "run"), "#!/bin/sh\n", { mode: 0o755 });
      if (next() < 0.2) {
        mkdirSync(join(dir, "dependencies.d"), { recursive: true });
        writeFileSync(join(dir, "dependencies.d", pick(names)), "");
      }
      if (next() < 0.1) symlinkSync(pick(["/nowhere", "../a", join(src, "a", "type")]), join(src, `link-${s}`));
    }
    let graph;
    expect(() => (graph = buildGraph(loadSources(src)))).not.toThrow();
    graph = graph!;
    for (const problem of graph.problems) {
      expect(problem.service.length).toBeGreaterThan(0);
      expect(problem.file.startsWith(src)).toBe(true);
      expect(problem.message.length).toBeGreaterThan(0);
    }
    for (const [name, service] of graph.atoms) {
      expect(badNameReason(name)).toBeUndefined();
      expect(service.type === "longrun" || service.type === "oneshot").toBe(true);
      for (const dep of graph.dependencies.get(name) ?? []) expect(graph.atoms.has(dep)).toBe(true);
    }
    for (const members of graph.bundles.values()) for (const member of members) expect(graph.atoms.has(member)).toBe(true);
    problems += graph.problems.length;
    loaded += graph.atoms.size;
  }
  // The generator does reach both sides.
  expect(problems).toBeGreaterThan(2000);
  expect(loaded).toBeGreaterThan(300);
});
