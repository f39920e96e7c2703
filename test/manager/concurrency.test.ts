// Many commands at once on one tree, against the rule that matters: a
// service is never up while a dependency is down. Every oneshot's up checks
// that its dependencies' markers exist, every down that its dependents' do
// not, and writes any breach to a file; the sources are edited between
// rounds so that the commands also race to recompile. Seeded, so a failure
// replays.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(240_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
});
afterEach(() => tree.stop());

function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Three layers of three oneshots, each depending on the whole layer below; markers and breaches in the tree's folder. */
function layeredTree(): { names: string[]; breaches: string; dependentsOf: Map<string, string[]> } {
  const markers = join(tree.dir, "markers");
  const breaches = join(tree.dir, "breaches");
  writeFileSync(breaches, "");
  tree.file("markers/.keep", "");
  tree.file(
    "bin/check",
    `#!/bin/sh
# check up|down NAME OTHERS...: up needs every OTHER marked, down needs none marked.
dir=${markers}; what=$1; name=$2; shift 2
for other; do
  if [ "$what" = up ] && [ ! -e "$dir/$other" ]; then echo "$name up while $other down" >> ${breaches}; fi
  if [ "$what" = down ] && [ -e "$dir/$other" ]; then echo "$name down while $other up" >> ${breaches}; fi
done
if [ "$what" = up ]; then touch "$dir/$name"; else rm -f "$dir/$name"; fi
sleep 0.0$(( $$ % 5 ))
`,
  );
  const check = join(tree.dir, "bin/check");
  const layers = [0, 1, 2].map((layer) => [0, 1, 2].map((i) => `l${layer}-${i}`));
  const dependentsOf = new Map<string, string[]>();
  for (const [layer, names] of layers.entries()) {
    const below = layers[layer - 1] ?? [];
    const above = layers[layer + 1] ?? [];
    for (const name of names) {
      dependentsOf.set(name, above);
      tree.service(name, {
        type: "oneshot\n",
        up: `${check} up ${name} ${below.join(" ")}\n`,
        down: `${check} down ${name} ${above.join(" ")}\n`,
        ...(below.length ? { dependencies: `${below.join("\n")}\n` } : {}),
      });
    }
  }
  tree.service("all", { type: "bundle\n", contents: `${layers[2].join("\n")}\n` });
  return { names: layers.flat(), breaches, dependentsOf };
}

test("twelve commands at once, ten rounds, sources edited between rounds: no service up while a dependency is down", async () => {
  const { names, breaches } = layeredTree();
  const next = random(9);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
  const commands = [
    () => ["start", "all"],
    () => ["start", pick(names)],
    () => ["stop", pick(names)],
    () => ["change", "-p", pick(names)],
    () => ["change", "-d", "all"],
    () => ["status"],
    () => ["compile"],
  ];
  const failures: string[] = [];
  for (let round = 0; round < 10; round++) {
    // An edit that changes no service's meaning, but the sources' stamp: every command wants to recompile.
    tree.file(`conf/src/test/l0-0/comment-${round}`, "");
    const runs = Array.from({ length: 12 }, () => pick(commands)());
    const results = await Promise.all(runs.map((args) => tree.goetia(...args)));
    results.forEach((run, i) => {
      if (run.code !== 0) failures.push(`round ${round}: goetia ${runs[i].join(" ")} exited ${run.code}: ${run.out.trim()}`);
    });
  }
  expect(failures).toEqual([]);
  expect(readFileSync(breaches, "utf8")).toBe("");
  // The record agrees with the markers: up exactly where the up script last ran.
  const status = JSON.parse((await tree.goetia("status", "--json")).stdout) as { name: string; state: string }[];
  for (const { name, state } of status) expect(`${name} ${state}`).toBe(`${name} ${existsSync(join(tree.dir, "markers", name)) ? "up" : "down"}`);
  // No temporary file left to block later work.
  const current = readlinkSync(join(tree.conf, "compiled"));
  expect(readdirSync(tree.conf).filter((entry) => entry.endsWith(".new") || (entry.startsWith("compiled-") && entry !== current))).toEqual([]);
});

test("thirty starts at once, then thirty stops, five rounds: never two transitions at the same time", async () => {
  // Each up and down holds a folder that must not exist yet while it runs.
  const busy = join(tree.dir, "busy");
  const overlaps = join(tree.dir, "overlaps");
  writeFileSync(overlaps, "");
  const hold = tree.file("bin/hold", `#!/bin/sh\nmkdir ${busy} 2>/dev/null || { echo "$1 overlapped" >> ${overlaps}; exit 0; }\nsleep 0.01\nrmdir ${busy}\n`);
  const names = Array.from({ length: 30 }, (_, i) => `s${i}`);
  for (const name of names) tree.service(name, { type: "oneshot\n", up: `${hold} ${name}\n`, down: `${hold} ${name}\n` });
  for (let round = 0; round < 5; round++) {
    for (const verb of ["start", "stop"]) {
      const codes = await Promise.all(names.map(async (name) => (await tree.goetia(verb, name)).code));
      expect(codes.every((code) => code === 0)).toBe(true);
    }
  }
  expect(readFileSync(overlaps, "utf8")).toBe("");
});
