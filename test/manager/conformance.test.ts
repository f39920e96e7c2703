// One semantics for bringing services up at boot: every scenario of the
// table, and trees generated from seeds, brought up by goetia's engine
// (stage 2) and by the compiled bring-up under busybox's sh and under dash,
// each on a tree of its own beside a real s6-svscan; what a user can see
// afterwards (the console's lines, the state records, the boot record's
// events, how the bundle ended) must be the same. A difference is a bug in
// one of them.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { bringUpWith, seenIn, SHELLS, stage2With, type Seen, type Shell } from "../helpers/boot-runs.ts";
import { pollUntil } from "../../src/lib/poll.ts";
import { HostTree } from "../helpers/host-tree.ts";
import { random } from "../helpers/random.ts";

setDefaultTimeout(120_000);

const trees: HostTree[] = [];
afterEach(async () => {
  for (const tree of trees.splice(0)) await tree.stop();
});

interface Scenario {
  /** Writes the sources into a fresh tree. */
  build: (tree: HostTree) => void;
  /** What the boot asks for (GOETIABUNDLE). */
  bundle: string;
  /** Command lines that must have no process left once the bundle is done (a timed-out oneshot's, a timer's). */
  gone?: string[];
}

const oneshot = (tree: HostTree, name: string, up: string, more: Record<string, string> = {}, deps: string[] = []) =>
  tree.service(name, { type: "oneshot\n", up: `${up}\n`, ...(deps.length ? { dependencies: `${deps.join("\n")}\n` } : {}), ...more });
const longrun = (tree: HostTree, name: string, more: Record<string, string> = {}, deps: string[] = []) =>
  tree.service(name, { type: "longrun\n", run: "#!/bin/sh\nexec sleep 100000\n", ...(deps.length ? { dependencies: `${deps.join("\n")}\n` } : {}), ...more });
const bundle = (tree: HostTree, name: string, contents: string[]) => tree.service(name, { type: "bundle\n", contents: `${contents.join("\n")}\n` });
const READY = { "notification-fd": "3\n", run: "#!/bin/sh\necho >&3\nexec sleep 100000\n" };

const SCENARIOS: Record<string, Scenario> = {
  "a chain": {
    bundle: "default",
    build(tree) {
      oneshot(tree, "a", "true");
      oneshot(tree, "b", "true", {}, ["a"]);
      oneshot(tree, "c", "true", {}, ["b"]);
      bundle(tree, "default", ["c"]);
    },
  },
  "a diamond, branches in parallel": {
    bundle: "default",
    build(tree) {
      oneshot(tree, "root", "true");
      oneshot(tree, "left", "sleep 0.2", {}, ["root"]);
      longrun(tree, "right", {}, ["root"]);
      oneshot(tree, "top", "true", {}, ["left", "right"]);
      bundle(tree, "default", ["top"]);
    },
  },
  "failures skip only what needs them": {
    bundle: "default",
    build(tree) {
      oneshot(tree, "good", "true");
      oneshot(tree, "bad", "sh -c \"exit 3\"");
      oneshot(tree, "killed", "sh -c \"kill -9 $$\"");
      oneshot(tree, "after-bad", "true", {}, ["bad"]);
      oneshot(tree, "top", "true", {}, ["after-bad", "good"]);
      oneshot(tree, "after-killed", "true", {}, ["killed"]);
      bundle(tree, "default", ["top", "after-killed"]);
    },
  },
  "a failure that asks for no console (failure-action none) opens none; one skipped for it that asks does": {
    bundle: "default",
    build(tree) {
      oneshot(tree, "quiet-failure", "sh -c \"exit 4\"", { "failure-action": "none\n" });
      bundle(tree, "default", ["quiet-failure"]);
    },
  },
  "the same, its dependent asking for the console": {
    bundle: "both",
    build(tree) {
      oneshot(tree, "quiet-failure", "sh -c \"exit 4\"", { "failure-action": "none\n" });
      oneshot(tree, "asks", "true", {}, ["quiet-failure"]);
      bundle(tree, "both", ["asks"]);
    },
  },
  "a oneshot that times out, and all it started with it; a quick one's timer": {
    bundle: "default",
    gone: ["sleep 41.5", "sleep 30.000"],
    build(tree) {
      oneshot(tree, "slow", "sh -c \"sleep 41.5 & sleep 41.5\"", { "timeout-up": "300\n" });
      oneshot(tree, "after-slow", "true", {}, ["slow"]);
      oneshot(tree, "quick", "true", { "timeout-up": "30000\n" });
      bundle(tree, "default", ["after-slow", "quick"]);
    },
  },
  "readiness: what needs a daemon waits for it to say so; one that never does fails alone": {
    bundle: "default",
    build(tree) {
      longrun(tree, "ready", READY);
      longrun(tree, "mute", { "notification-fd": "3\n", "timeout-up": "1500\n" });
      oneshot(tree, "needs-ready", "true", {}, ["ready"]);
      oneshot(tree, "needs-mute", "true", {}, ["mute"]);
      bundle(tree, "default", ["needs-ready", "needs-mute"]);
    },
  },
  "readiness: a daemon that dies before it is ready, whose finish says not to start it again, fails at once": {
    bundle: "default",
    build(tree) {
      longrun(tree, "ready", READY);
      longrun(tree, "doomed", { "notification-fd": "3\n", "timeout-up": "60000\n", run: "#!/bin/sh\nexit 3\n", finish: "#!/bin/sh\nexit 125\n" });
      oneshot(tree, "needs-doomed", "true", {}, ["doomed"]);
      bundle(tree, "default", ["ready", "needs-doomed"]);
    },
  },
  "longruns without readiness, each with the logger goetia makes": {
    bundle: "default",
    build(tree) {
      for (const name of ["one", "two", "three"]) longrun(tree, name);
      longrun(tree, "quiet", { "no-log": "" });
      oneshot(tree, "after", "true", {}, ["one", "two", "three", "quiet"]);
      bundle(tree, "default", ["after"]);
    },
  },
  "daemons without readiness: up once they stayed up; one that dies first fails, and what needs it is skipped": {
    bundle: "default",
    build(tree) {
      longrun(tree, "steady", { "stay-up": "300\n" });
      longrun(tree, "dies", { "stay-up": "5000\n", run: "#!/bin/sh\nexit 3\n" });
      longrun(tree, "killed", { "stay-up": "5000\n", "no-log": "", run: "#!/bin/sh\nkill -9 $$\n" });
      oneshot(tree, "needs-dies", "true", {}, ["dies"]);
      oneshot(tree, "needs-steady", "true", {}, ["steady"]);
      bundle(tree, "default", ["needs-dies", "needs-steady", "killed"]);
    },
  },
  "a pipeline named by its bundle": {
    bundle: "default",
    build(tree) {
      longrun(tree, "producer", { "producer-for": "filter\n", run: "#!/bin/sh\nwhile :; do echo tick; sleep 1; done\n" });
      longrun(tree, "filter", { "consumer-for": "producer\n", "producer-for": "sink\n", run: "#!/bin/sh\nexec cat\n" });
      longrun(tree, "sink", { "consumer-for": "filter\n", "pipeline-name": "ticks\n", run: "#!/bin/sh\nexec cat\n" });
      bundle(tree, "default", ["ticks"]);
    },
  },
  "odd names: spaces, quotes, backslashes, UTF-8, 240 bytes": {
    bundle: "odd bundle",
    build(tree) {
      longrun(tree, "my daemon");
      longrun(tree, "ready  twice", READY);
      oneshot(tree, 'q"uote', "false");
      oneshot(tree, "after q", "true", {}, ['q"uote']);
      oneshot(tree, "back\\slash", "true", {}, ["my daemon"]);
      oneshot(tree, "ünïcødé ☃", "true", {}, ["back\\slash", "ready  twice"]);
      oneshot(tree, "x".repeat(240), "true");
      oneshot(tree, "it's", "sh -c \"exit 4\"");
      oneshot(tree, "after it's", "true", {}, ["it's"]);
      bundle(tree, "odd bundle", ["after q", "ünïcødé ☃", "x".repeat(240), "after it's"]);
    },
  },
  "daemons that cannot be run: no interpreter, or behind goetia's plumbing": {
    bundle: "default",
    build(tree) {
      longrun(tree, "unspawnable", { "notification-fd": "3\n", "no-log": "", run: "#!/no/such/interpreter\n" });
      longrun(tree, "wrapped", { "notification-fd": "3\n", run: "#!/no/such/interpreter\n" });
      oneshot(tree, "after", "true", {}, ["unspawnable"]);
      bundle(tree, "default", ["after", "wrapped"]);
    },
  },
  "a service asked for by its name: it and what it needs, nothing else": {
    bundle: "top",
    build(tree) {
      oneshot(tree, "root", "true");
      oneshot(tree, "left", "true", {}, ["root"]);
      longrun(tree, "right", READY, ["root"]);
      oneshot(tree, "top", "true", {}, ["left", "right"]);
      oneshot(tree, "unrelated", "true");
      bundle(tree, "default", ["top", "unrelated"]);
    },
  },
  "an unknown bundle: the default instead": {
    bundle: "no-such",
    build(tree) {
      oneshot(tree, "one", "true");
      oneshot(tree, "two", "true", {}, ["one"]);
      bundle(tree, "default", ["one"]);
    },
  },
  "nothing to bring up": {
    bundle: "no-such",
    build(tree) {
      oneshot(tree, "one", "true");
    },
  },
};

/** A tree of its own with scenario's sources, compiled; what a bring-up left there afterwards, and whether the processes that had to go are gone. */
async function run(scenario: Scenario, how: Shell | "engine"): Promise<Seen & { left: number }> {
  const tree = new HostTree();
  trees.push(tree);
  scenario.build(tree);
  await tree.goetia("compile");
  let said: string;
  if (how === "engine") said = await stage2With(tree, scenario.bundle);
  else {
    const bringUp = await bringUpWith(tree, how, scenario.bundle);
    said = await bringUp.said;
  }
  const running = () => (scenario.gone ?? []).flatMap((line) => Bun.spawnSync(["pgrep", "-f", `^${line}$`]).stdout.toString().trim().split("\n").filter(Boolean));
  // A process killed a moment ago may take a moment to go.
  await pollUntil(() => running().length === 0, 3000);
  const left = running().length;
  return { ...seenIn(tree, said), left };
}

/** The scenario brought up by the engine, then under each shell: all must see what the engine saw, and leave nothing behind. */
async function expectTheSame(scenario: Scenario): Promise<void> {
  const engine = await run(scenario, "engine");
  expect(engine.left).toBe(0);
  for (const shell of Object.keys(SHELLS) as Shell[]) {
    const seen = await run(scenario, shell);
    expect({ shell, ...seen }).toEqual({ shell, ...engine });
  }
}

describe("the engine and the bring-up under each shell see the same", () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    test(name, () => expectTheSame(scenario));
  }
});

/**
 * A tree of count services drawn from seed: oneshots and longruns (some
 * with readiness), each needing a few of those before it, a few failing,
 * named from an alphabet with spaces, quotes and UTF-8 in it; the bundle
 * default asked for, or the last service by its name.
 */
function generated(seed: number, count: number, { askLast = false } = {}): Scenario {
  const next = random(seed);
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
  const letters = ["a", "b", "k", " ", '"', "\\", "é", "☃", "-", "_"];
  const names: string[] = [];
  while (names.length < count) {
    const name = `s${names.length}${Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(letters)).join("")}`.trimEnd();
    names.push(name);
  }
  // Drawn here, once: every run builds the same tree.
  const specs = names.map((name, i) => ({
    name,
    deps: [...new Set(Array.from({ length: i === 0 ? 0 : Math.floor(next() * 3) }, () => names[Math.floor(next() * i)]))],
    kind: next() < 0.2 ? (next() < 0.5 ? "ready" : "longrun") : next() < 0.15 ? "failing" : "oneshot",
  }));
  return {
    bundle: askLast ? names[count - 1] : "default",
    build(tree) {
      for (const { name, deps, kind } of specs) {
        if (kind === "ready") longrun(tree, name, READY, deps);
        else if (kind === "longrun") longrun(tree, name, {}, deps);
        else oneshot(tree, name, kind === "failing" ? "false" : "true", {}, deps);
      }
      bundle(tree, "default", names);
    },
  };
}

describe("generated trees", () => {
  for (const seed of [1, 2, 3]) {
    test(`seed ${seed}: 16 services`, () => expectTheSame(generated(seed, 16)));
  }
  test("seed 4: 16 services, the last asked for by its name", () => expectTheSame(generated(4, 16, { askLast: true })));
});
