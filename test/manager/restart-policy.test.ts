// A longrun's restart policy on a real s6-svscan: a daemon that keeps dying
// is given up on after its limit and shows failed, saying why; the waits
// between its restarts double; a stop is no death; giving up starts what the
// source names; bad policy files are refused, naming the file.
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pollUntil } from "../../src/lib/poll.ts";
import { HostTree } from "../helpers/host-tree.ts";

setDefaultTimeout(60_000);

let tree: HostTree;
beforeEach(async () => {
  tree = await new HostTree().start();
});
afterEach(() => tree.stop());

/** A daemon that marks its start and its death in the event log, living `seconds` and exiting 3; up at once (stay-up 0), as s6 has it. */
function dying(name: string, seconds: number, policy: Record<string, string>): void {
  const mark = (what: string) => `echo "${name} ${what} $(date +%s%N)" >> ${tree.events}`;
  // Its sleep ends with it when it is stopped (SIGTERM), as a daemon's own work would.
  const run = `#!/bin/sh\n${mark("started")}\nsleep ${seconds} & child=$!\ntrap 'kill $child; exit 143' TERM\nwait $child\n${mark("died")}\nexit 3\n`;
  tree.service(name, { type: "longrun\n", "stay-up": "0\n", run, ...policy });
}

const row = async (name: string) => (await tree.statusRows()).find((r) => r.name === name)!;
/** Waits for the service's finish to give up on it (the file it writes then). */
const gaveUp = (name: string) => pollUntil(() => existsSync(join(tree.run, "service", name, "gave-up")), 30_000);

test("a crash loop is given up after its limit: failed, with how many deaths and the last one; no more starts", async () => {
  dying("crashy", 0, { "restart-limit-count": "2\n", "restart-limit-interval": "60000\n", "restart-delay": "100\n" });
  expect((await tree.goetia("start", "crashy")).code).toBe(0);
  expect(await gaveUp("crashy")).toBe(true);
  expect((await row("crashy")).state).toBe("failed");
  expect((await row("crashy")).detail).toBe("gave up after 3 deaths in 60 s, the last one exited 3 (goetia start brings it up again)");
  expect(tree.count("crashy", "started")).toBe(3);
  await Bun.sleep(2500); // s6-supervise would have started it twice more by now
  expect(tree.count("crashy", "started")).toBe(3);
  expect((await tree.goetia("why", "crashy")).stdout).toContain("gave up after 3 deaths");
  // goetia start counts anew.
  expect((await tree.goetia("start", "crashy")).code).toBe(0);
  expect(await pollUntil(() => tree.count("crashy", "started") >= 4, 10_000)).toBe(true);
});

test("what needs a daemon given up on is told: still up, its status names the dependency that failed", async () => {
  // Up once it has stayed up 300 ms, then dying at once on every restart: a marker file makes the first run a long one.
  const first = join(tree.dir, "first-run-done");
  tree.service("crashy", {
    type: "longrun\n",
    "stay-up": "300\n",
    run: `#!/bin/sh\n[ -e ${first} ] && exit 3\n: > ${first}\nsleep 1\nexit 3\n`,
    "restart-limit-count": "1\n",
    "restart-delay": "100\n",
  });
  tree.service("client", { type: "longrun\n", "stay-up": "0\n", run: "#!/bin/sh\nexec sleep 1000\n", dependencies: "crashy\n" });
  expect((await tree.goetia("start", "client")).code).toBe(0);
  expect(await gaveUp("crashy")).toBe(true);
  const client = await row("client");
  expect(client.state).toBe("up");
  expect(client.detail).toEndWith("; its dependency crashy failed");
});

test("the wait before each restart doubles: none of its own after the first death, then restart-delay, twice it, four times it", async () => {
  dying("slowcrash", 0.2, { "restart-limit-count": "4\n", "restart-limit-interval": "60000\n", "restart-delay": "1000\n" });
  expect((await tree.goetia("start", "slowcrash")).code).toBe(0);
  expect(await gaveUp("slowcrash")).toBe(true);
  const marks = tree.eventLog().filter((e) => e.name === "slowcrash");
  const starts = marks.filter((e) => e.event === "started").map((e) => Number(e.ns / 1_000_000n));
  const deaths = marks.filter((e) => e.event === "died").map((e) => Number(e.ns / 1_000_000n));
  expect(starts.length).toBe(5);
  // s6-supervise waits a second of its own before each start: the first wait is only that.
  const [s6Wait, ...waits] = deaths.slice(0, 4).map((died, i) => starts[i + 1] - died);
  const backOffs = waits.map((wait) => wait - s6Wait);
  expect(backOffs[0]).toBeGreaterThan(500);
  expect(backOffs[1]).toBeGreaterThan(1500);
  expect(backOffs[2]).toBeGreaterThan(3500);
});

test("a stop is no death to count and waits for no back-off", async () => {
  dying("steady", 1000, { "restart-limit-count": "1\n", "restart-delay": "30000\n" });
  expect((await tree.goetia("start", "steady")).code).toBe(0);
  expect(await pollUntil(() => tree.count("steady", "started") === 1, 10_000)).toBe(true); // its script has run this far
  process.kill(-(await row("steady")).pid!, "SIGKILL"); // one death, of its whole process group (s6-supervise made it one): restarted at once
  expect(await pollUntil(() => tree.count("steady", "started") === 2, 10_000)).toBe(true);
  const stopping = Date.now();
  expect((await tree.goetia("stop", "steady")).code).toBe(0);
  expect(Date.now() - stopping).toBeLessThan(15_000); // a back-off would hold the stop 30 s
  expect((await row("steady")).state).toBe("down");
  expect((await tree.goetia("start", "steady")).code).toBe(0);
  expect((await row("steady")).state).toBe("up");
});

test("giving up starts the service give-up names", async () => {
  tree.oneshot("fallback");
  dying("crashy", 0, { "restart-limit-count": "1\n", "restart-delay": "100\n", "give-up": "fallback\n" });
  expect((await tree.goetia("start", "crashy")).code).toBe(0);
  expect(await pollUntil(() => tree.happened("fallback", "up-end"), 30_000)).toBe(true);
  expect((await row("crashy")).state).toBe("failed");
});

test("policy files that cannot be kept are refused at compile, each naming its file", async () => {
  dying("zero", 0, { "restart-limit-count": "0\n" });
  dying("nowhere", 0, { "give-up": "../elsewhere\n" });
  const run = await tree.goetia("compile");
  expect(run.out).toMatch(/service zero: \S+restart-limit-count: 0 deaths would give up before the first restart/);
  expect(run.out).toMatch(/service nowhere: \S+give-up: "..\/elsewhere" is neither poweroff, reboot nor a service name/);
});
