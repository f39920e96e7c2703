// Scenarios of concurrency and faults on a real tree, shared by the tests
// (a few rounds, asserting that nothing was violated) and by the benchmark
// (many rounds, counting). Each returns what it did and every breach of the
// rules it found, as text; an empty list is the pass.
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HostTree } from "./host-tree.ts";
import { random } from "./random.ts";


export interface ScenarioResult {
  /** Commands run (or killed). */
  runs: number;
  /** Breaches of the rules, each told; empty when none. */
  violations: string[];
  /** Scenario-specific counts worth reporting. */
  notes: Record<string, number>;
}


/**
 * Three layers of three oneshots, each depending on the whole layer below.
 * Every up checks that its dependencies' markers exist, every down that its
 * dependents' do not, and writes any breach down.
 */
function layeredTree(tree: HostTree): { names: string[]; breaches: string } {
  const markers = join(tree.dir, "markers");
  const breaches = join(tree.dir, "breaches");
  writeFileSync(breaches, "");
  tree.file("markers/.keep", "");
  const check = tree.file(
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
  const layers = [0, 1, 2].map((layer) => [0, 1, 2].map((i) => `l${layer}-${i}`));
  for (const [layer, names] of layers.entries()) {
    const below = layers[layer - 1] ?? [];
    const above = layers[layer + 1] ?? [];
    for (const name of names) {
      tree.service(name, {
        type: "oneshot\n",
        up: `${check} up ${name} ${below.join(" ")}\n`,
        down: `${check} down ${name} ${above.join(" ")}\n`,
        ...(below.length ? { dependencies: `${below.join("\n")}\n` } : {}),
      });
    }
  }
  tree.service("all", { type: "bundle\n", contents: `${layers[2].join("\n")}\n` });
  return { names: layers.flat(), breaches };
}

/**
 * Rounds of `width` random commands at once (start, stop, change -p, change
 * -d, status, compile), the sources edited before each round so that they
 * all race to recompile. Breaches: a service up while a dependency is down
 * (or down while a dependent is up), a command that did not exit 0, a record
 * that disagrees with what ran, a temporary file left behind.
 */
export async function concurrentCommands(tree: HostTree, { rounds = 10, width = 12, seed = 9 } = {}): Promise<ScenarioResult> {
  const { names, breaches } = layeredTree(tree);
  const next = random(seed);
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
  const violations: string[] = [];
  for (let round = 0; round < rounds; round++) {
    // An edit that changes no service's meaning, but the sources' stamp.
    tree.file(`conf/src/test/l0-0/comment-${round}`, "");
    const runs = Array.from({ length: width }, () => pick(commands)());
    const results = await Promise.all(runs.map((args) => tree.goetia(...args)));
    results.forEach((run, i) => {
      if (run.code !== 0) violations.push(`round ${round}: goetia ${runs[i].join(" ")} exited ${run.code}: ${run.out.trim()}`);
    });
  }
  violations.push(...readFileSync(breaches, "utf8").split("\n").filter(Boolean));
  for (const { name, state } of await tree.statusRows()) {
    const ran = existsSync(join(tree.dir, "markers", name)) ? "up" : "down";
    if (state !== ran) violations.push(`${name}: status says ${state}, its scripts say ${ran}`);
  }
  const current = readlinkSync(join(tree.conf, "compiled"));
  for (const entry of readdirSync(tree.conf)) {
    if (entry.endsWith(".new") || (entry.startsWith("compiled-") && entry !== current)) violations.push(`left behind: ${entry}`);
  }
  return { runs: rounds * width, violations, notes: {} };
}

/** `width` changes of one oneshot each at once, up then down, `rounds` times: any two transitions at once is a breach of the lock. */
export async function overlappingChanges(tree: HostTree, { rounds = 5, width = 30 } = {}): Promise<ScenarioResult> {
  const busy = join(tree.dir, "busy");
  const overlaps = join(tree.dir, "overlaps");
  writeFileSync(overlaps, "");
  const hold = tree.file("bin/hold", `#!/bin/sh\nmkdir ${busy} 2>/dev/null || { echo "$1 overlapped another change" >> ${overlaps}; exit 0; }\nsleep 0.01\nrmdir ${busy}\n`);
  const names = Array.from({ length: width }, (_, i) => `s${i}`);
  for (const name of names) tree.service(name, { type: "oneshot\n", up: `${hold} ${name}\n`, down: `${hold} ${name}\n` });
  const violations: string[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const verb of ["start", "stop"]) {
      const runs = await Promise.all(names.map((name) => tree.goetia(verb, name)));
      runs.forEach((run, i) => run.code !== 0 && violations.push(`goetia ${verb} ${names[i]} exited ${run.code}: ${run.out.trim()}`));
    }
  }
  violations.push(...readFileSync(overlaps, "utf8").split("\n").filter(Boolean));
  return { runs: rounds * 2 * width, violations, notes: {} };
}

/**
 * Changes killed with SIGKILL at seeded moments, each followed by the same
 * change run to the end. Breaches: status claiming a transition nobody
 * makes, a repair that fails or does not reach its goal, a oneshot's up (or
 * down) run twice.
 */
export async function killedChanges(tree: HostTree, { rounds = 10, seed = 42 } = {}): Promise<ScenarioResult> {
  const next = random(seed);
  const names: string[] = [];
  for (let chain = 0; chain < 4; chain++) {
    tree.service(`d${chain}`, { type: "longrun\n", run: "#!/bin/sh\nexec sleep 1000\n", "no-log": "" });
    for (let step = 0; step < 5; step++) {
      const name = `c${chain}-${step}`;
      names.push(name);
      tree.oneshot(name, { deps: [step === 0 ? `d${chain}` : `c${chain}-${step - 1}`], seconds: 0.05 + next() * 0.1 });
    }
  }
  tree.service("all", { type: "bundle\n", contents: `${names.filter((n) => n.endsWith("-4")).join("\n")}\n` });

  const violations: string[] = [];
  let interrupted = 0;
  for (let round = 0; round < rounds; round++) {
    for (const [verb, ...targets] of [["start", "all"], ["stop", "d0", "d1", "d2", "d3"]]) {
      const victim = tree.spawn(verb, ...targets);
      await Bun.sleep(50 + next() * 600);
      victim.kill("SIGKILL");
      await victim.exited;
      for (const row of await tree.statusRows()) {
        if (row.state === "starting" || row.state === "stopping") violations.push(`round ${round}, ${verb} killed: ${row.name} shown ${row.state}, and nobody is at it`);
        if (row.state === "interrupted") interrupted++;
      }
      const repair = await tree.goetia(verb, ...targets);
      if (repair.code !== 0) violations.push(`round ${round}: ${verb} after the kill exited ${repair.code}: ${repair.out.trim()}`);
      const want = verb === "start" ? "up" : "down";
      for (const row of await tree.statusRows()) if (row.state !== want) violations.push(`round ${round}: after ${verb}, ${row.name} is ${row.state}`);
      for (const name of names) {
        const ups = tree.count(name, "up-start");
        const downs = tree.count(name, "down-start");
        if (ups - downs !== (verb === "start" ? 1 : 0)) violations.push(`round ${round}: ${name} went up ${ups} times and down ${downs} times`);
      }
    }
  }
  return { runs: rounds * 2, violations, notes: { "transitions found interrupted": interrupted } };
}
