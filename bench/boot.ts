// Benchmark: the boot, against a hand-written one (QEMU, TCG).
//
// Three images from the same root, booted alternately: goetia's; the
// baseline, whose /init is a busybox sh script that mounts the same file
// systems, copies the same two longruns into a scandir with `down` files
// (and a log/ beside each daemon, as goetia logs each), execs s6-svscan as
// PID 1 and, in a background subshell, runs `hostname -F`,
// then `s6-svc -u` and `s6-svwait -u` on both longruns; and the floor, the
// baseline whose /init first runs an empty Bun executable once (in place of
// goetia's binary, so the image keeps its size): what any init whose stage
// 1 is a Bun program pays. Each guest reports, on the kernel's clock, when
// /init started (the kernel's "Run /init" line in dmesg, after the
// initramfs is unpacked) and when its bundle was up (the baseline's script
// writes it; goetia's boot record says it). Two bundles: the default one,
// and "twenty" (20 more services: 10 oneshots and 10 longruns on 4 levels of
// dependencies, beside the default ones), which the baseline's script brings
// up level by level, as a person would write it.
//
// BENCH_BEFORE=REV adds a fourth image: goetia as it was at that git
// revision (built in a worktree, $TMPDIR/goetia-before-REV, out of reach of
// `bun test`), on the same root and overlay, booted in the same rotation: a
// change's figure before and after.
import { cpSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage, Guest, ROOT } from "../test/helpers/guest.ts";
import { writeResults } from "./results.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BEFORE = process.env.BENCH_BEFORE;
const AIM = 1.5;

/** The twenty services: level 0 oneshots, then longruns and oneshots each needing one of the level below. */
const LEVELS: { oneshots: string[]; longruns: string[] }[] = [
  { oneshots: ["o0", "o1", "o2"], longruns: [] },
  { oneshots: [], longruns: ["l0", "l1", "l2"] },
  { oneshots: ["o3", "o4", "o5", "o6"], longruns: ["l3", "l4"] },
  { oneshots: ["o7", "o8", "o9"], longruns: ["l5", "l6", "l7", "l8", "l9"] },
];
const TWENTY_LONGRUNS = LEVELS.flatMap((level) => level.longruns);
const oneshotUp = (name: string) => `mkdir -p /run/bench/${name}`;

/** The twenty as goetia sources, each needing a service of the level below, and the bundle "twenty". */
function twentySources(): Record<string, string> {
  const files: Record<string, string> = {};
  const dir = "etc/goetia/system/src/bench";
  LEVELS.forEach(({ oneshots, longruns }, level) => {
    const below = level === 0 ? [] : [...LEVELS[level - 1].oneshots, ...LEVELS[level - 1].longruns];
    [...oneshots, ...longruns].forEach((name, i) => {
      files[`${dir}/${name}/type`] = oneshots.includes(name) ? "oneshot\n" : "longrun\n";
      if (oneshots.includes(name)) files[`${dir}/${name}/up`] = `${oneshotUp(name)}\n`;
      else files[`${dir}/${name}/run`] = "#!/bin/sh\nexec sleep 100000\n";
      if (below.length > 0) files[`${dir}/${name}/dependencies`] = `${below[i % below.length]}\n`;
    });
  });
  files[`${dir}/twenty/type`] = "bundle\n";
  files[`${dir}/twenty/contents`] = `default\n${LEVELS.flatMap((l) => [...l.oneshots, ...l.longruns]).join("\n")}\n`;
  return files;
}

/** The baseline's bring-up of the twenty: level by level, the oneshots, then the longruns up together. */
const twentyBringUp = LEVELS.map(({ oneshots, longruns }) =>
  [
    ...oneshots.map(oneshotUp),
    ...longruns.map((name) => `s6-svc -u /run/sv/${name}`),
    ...(longruns.length > 0 ? [`s6-svwait -u ${longruns.map((name) => `/run/sv/${name}`).join(" ")}`] : []),
  ].join("\n  "),
).join("\n  ");

const baselineInit = (preamble: string, extra: { longruns: string[]; bringUp: string } = { longruns: [], bringUp: "" }) => `#!/bin/sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o nosuid,noexec,gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /dev/shm
mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run
${preamble}
mkdir -p /run/sv /run/service
for s in syslogd console-shell; do
  cp -a /etc/goetia/system/src/base/$s /run/sv/$s
  touch /run/sv/$s/down
  ln -s /run/sv/$s /run/service/$s
done
for s in ${extra.longruns.join(" ")}; do
  cp -a /etc/goetia/system/src/bench/$s /run/sv/$s
  touch /run/sv/$s/down
  ln -s /run/sv/$s /run/service/$s
done
for s in syslogd ${extra.longruns.join(" ")}; do
  cp -a /etc/baseline/log /run/sv/$s/
done
(
  hostname -F /etc/hostname
  for s in syslogd console-shell ${extra.longruns.join(" ")}; do
    until s6-svok /run/sv/$s; do sleep 0.01; done
  done
  s6-svc -u /run/sv/syslogd; s6-svc -u /run/sv/console-shell
  s6-svwait -u /run/sv/syslogd /run/sv/console-shell
  ${extra.bringUp}
  cut -d' ' -f1 /proc/uptime > /run/bundle-up
  echo "baseline: bundle up"
) </dev/null >/dev/console 2>&1 &
exec s6-svscan /run/service
`;

/** When the kernel ran /init, in seconds on its clock. */
const INIT_AT = `$(dmesg | grep -m1 'Run /init as init process' | tr -d '[]' | awk '{ print $1 }')`;

/** Once the bundle is up (the prompt may come first), prints "TIMES <init start s> <bundle up s>" on the kernel's clock; goetia's also its boot marks and each service's time. */
const REPORT = {
  goetia: `until grep -q bundle-up /run/system/goetia/boot-record; do sleep 0.1; done; echo TIMES ${INIT_AT} $(awk '$1 == "bundle-up" { print $2 / 1e9 }' /run/system/goetia/boot-record); echo MARKS $(awk '$1 !~ /^(boot|asked|starting|up|ready|failed|skipped|stopping|down)$/ { printf "%s=%.3f ", $1, $2 / 1e9 }' /run/system/goetia/boot-record); echo TOOK $(cd /run/system/goetia/state && for f in *.json; do printf '%s=%s ' "\${f%.json}" "$(tail -n 1 "$f" | sed 's/.*"durationMs":\\([0-9]*\\).*/\\1/')"; done)`,
  baseline: `until [ -s /run/bundle-up ]; do sleep 0.1; done; echo TIMES ${INIT_AT} $(cat /run/bundle-up)`,
};

/** In goetia's guest: how long `goetia --version`, `status`, `analyze` and `plot` take, on the kernel's clock (10 ms steps). */
const COMMANDS = `for c in --version status analyze plot; do a=$(cut -d' ' -f1 /proc/uptime); goetia $c >/dev/null; b=$(cut -d' ' -f1 /proc/uptime); echo CMD $c $(awk "BEGIN { print ($b - $a) * 1000 }"); done`;

interface Sample {
  initS: number;
  upS: number;
  promptMs: number;
  pid1RssKb: number;
  /** What PID 1 holds alone (its RSS also counts the shared libraries' pages it maps, more of them when other programs have read them first). */
  pid1PrivateKb: number;
  allRssKb: number;
  commands: Record<string, number>;
  /** goetia's boot marks, in seconds on the kernel's clock. */
  marks: Record<string, number>;
  /** Each service's time from start to up, in ms, as goetia recorded it. */
  took: Record<string, number>;
}

async function boot(image: string, report: string, kernelArgs: string[]): Promise<Sample> {
  const started = performance.now();
  const guest = new Guest(image, kernelArgs);
  await guest.waitFor(/goetia:~# /);
  const promptMs = performance.now() - started;
  const from = guest.output.length;
  guest.type(`${report}; echo RSS $(grep VmRSS /proc/1/status | tr -s ' ' | cut -d' ' -f2) $(awk '/^Private/ { s += $2 } END { print s }' /proc/1/smaps_rollup) $(cat /proc/[0-9]*/status 2>/dev/null | grep VmRSS | tr -s ' ' | cut -d' ' -f2 | awk '{ s += $1 } END { print s }')`);
  const [, init, up] = await guest.waitFor(/\nTIMES ([\d.]+) ([\d.]+)\r?\n/, 30_000, from);
  const [, pid1, pid1Private, all] = await guest.waitFor(/\nRSS (\d+) (\d+) (\d+)\r?\n/, 30_000, from);
  const commands: Record<string, number> = {};
  const marks: Record<string, number> = {};
  const took: Record<string, number> = {};
  if (report === REPORT.goetia) {
    const [, tookLine] = await guest.waitFor(/\nTOOK (.*)\r?\n/, 30_000, from);
    for (const [, name, ms] of tookLine.matchAll(/([\w-]+)=(\d+)/g)) took[name] = Number(ms);
    const [, line] = await guest.waitFor(/\nMARKS (.*)\r?\n/, 30_000, from);
    for (const [, what, s] of line.matchAll(/([\w-]+)=([\d.]+)/g)) marks[what] = Number(s);
    const after = guest.output.length;
    guest.type(COMMANDS);
    await guest.waitFor(/\nCMD plot [\d.]+\r?\n/, 30_000, after);
    for (const [, command, ms] of guest.output.slice(after).matchAll(/\nCMD (\S+) ([\d.]+)(?=\r?\n)/g)) commands[command] = Number(ms);
  }
  guest.type("poweroff -f");
  await guest.exited;
  return { initS: Number(init), upS: Number(up), promptMs, pid1RssKb: Number(pid1), pid1PrivateKb: Number(pid1Private), allRssKb: Number(all), commands, marks, took };
}

/** Runs a command, and stops the benchmark with its output if it fails. */
function run(command: string[], cwd: string): void {
  const done = Bun.spawnSync(command, { cwd, stdout: "pipe", stderr: "pipe" });
  if (done.exitCode !== 0) throw new Error(`${command.join(" ")} (in ${cwd}) failed: ${done.stdout}${done.stderr}`);
}

/** A checkout of goetia at REV with its binaries built: a worktree with a copy of this one's node_modules (a link would let its npm touch ours). */
function checkoutAt(rev: string): string {
  const dir = join(tmpdir(), `goetia-before-${rev}`);
  if (!existsSync(dir)) {
    run(["git", "worktree", "add", "--detach", dir, rev], ROOT);
    cpSync(join(ROOT, "node_modules"), join(dir, "node_modules"), { recursive: true, verbatimSymlinks: true });
  }
  run(["make", "-o", "setup", "build"], dir); // its own binaries; setup is this checkout's
  return dir;
}

const empty = join(ROOT, "build", "bench-empty");
Bun.spawnSync([process.execPath, "build", "--compile", "--bytecode", "--target=bun-linux-x64", join(ROOT, "bench", "empty.ts"), "--outfile", empty]);
const before = BEFORE ? checkoutAt(BEFORE) : undefined;
type Image = "goetia" | "before" | "baseline" | "floor";
const IMAGES: Image[] = before ? ["goetia", "before", "baseline", "floor"] : ["goetia", "baseline", "floor"];
interface Boot {
  image: string;
  report: string;
  args: string[];
}
interface Scenario {
  title: string;
  images: Record<Exclude<Image, "before">, Boot> & { before?: Boot };
}

/** The baseline logs its daemons as a person would: a log/ beside each (s6-svscan makes the pipe), run by the shipped logging template. */
const BASELINE_LOG = { "etc/baseline/log/run": { link: "/etc/svcdef/.log/run" } };

/** The three images of a scenario; the floor's empty Bun executable stands where goetia's binary was: the image keeps its size. */
function scenario(title: string, name: string, files: Record<string, string>, args: string[], extra?: { longruns: string[]; bringUp: string }): Scenario {
  return {
    title,
    images: {
      goetia: { image: buildImage(`bench-${name}-goetia`, files), report: REPORT.goetia, args },
      ...(before && { before: { image: buildImage(`bench-${name}-before`, files, before), report: REPORT.goetia, args } }),
      baseline: { image: buildImage(`bench-${name}-baseline`, { ...files, ...BASELINE_LOG, init: baselineInit("", extra) }), report: REPORT.baseline, args: [] },
      floor: {
        image: buildImage(`bench-${name}-floor`, {
          ...files,
          ...BASELINE_LOG,
          init: baselineInit("/usr/sbin/goetia", extra),
          "usr/sbin/goetia": readFileSync(empty),
        }),
        report: REPORT.baseline,
        args: [],
      },
    },
  };
}

const scenarios = [
  scenario("the default bundle (hostname, syslogd, console-shell)", "default", {}, []),
  scenario("the bundle twenty (the default three, and 10 oneshots and 10 longruns on 4 levels)", "twenty", twentySources(), ["GOETIABUNDLE=twenty"], {
    longruns: TWENTY_LONGRUNS,
    bringUp: twentyBringUp,
  }),
];

const results = scenarios.map(() => Object.fromEntries(IMAGES.map((name) => [name, [] as Sample[]])) as Record<Image, Sample[]>);
for (let round = 0; round < RUNS; round++) {
  for (const [index, { title, images }] of scenarios.entries()) {
    for (const name of IMAGES) {
      const { image, report, args } = images[name]!;
      const sample = await boot(image, report, args);
      results[index][name].push(sample);
      console.log(`${title.split(" (")[0]}, ${name} run ${round + 1}: bundle up ${((sample.upS - sample.initS) * 1000).toFixed(0)} ms after /init`);
    }
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values: number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
const sizeMb = (path: string) => (Bun.file(path).size / 1e6).toFixed(0);

/** The table and the breakdown of one scenario. */
function report({ title }: Scenario, samples: Record<Image, Sample[]>): string[] {
  const initToUp = (name: Image) => samples[name].map((s) => (s.upS - s.initS) * 1000);
  const goetiaUp = median(initToUp("goetia"));
  const floorUp = median(initToUp("floor"));
  const baseUp = median(initToUp("baseline"));
  const row = (name: Image) => {
    const s = samples[name];
    const ms = initToUp(name);
    return `| ${name === "before" ? `goetia at ${BEFORE}` : name} | ${median(s.map((x) => x.initS * 1000)).toFixed(0)} | ${median(ms).toFixed(0)} (${spread(ms)}) | ${(median(ms) / baseUp).toFixed(2)} | ${median(s.map((x) => x.promptMs)).toFixed(0)} | ${median(s.map((x) => x.pid1RssKb))} | ${median(s.map((x) => x.pid1PrivateKb))} | ${median(s.map((x) => x.allRssKb))} |`;
  };
  const mark = (image: Image, to: string, from?: string) => median(samples[image].map((x) => (x.marks[to] - (from ? x.marks[from] : x.initS)) * 1000));
  const parts = (image: Image): [string, number][] => [
    ["/init → stage 1 running (the shim, one Bun start)", mark(image, "stage1")],
    ["stage 1's work, to the bring-up started (mounts, command line, envdir, the bring-up's shell)", mark(image, "bringup", "stage1")],
    ["the bring-up preparing what s6-svscan finds, to s6-svscan exec'd", mark(image, "svscan", "bringup")],
    ["s6-svscan → bundle up (the services)", mark(image, "bundle-up", "svscan")],
  ];
  const breakdown = (image: Image) => parts(image).map(([what, ms]) => `${what} ${ms.toFixed(0)}`).join("; ");
  const took = Object.keys(samples.goetia[0].took).sort();
  return [
    `### ${title}`,
    "",
    "| image | kernel start → /init (ms, the initramfs unpacked) | /init → bundle up (ms, spread) | ratio to baseline | QEMU start → prompt (ms) | PID 1 RSS | PID 1 private | all processes' RSS |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...IMAGES.map(row),
    "",
    ...(BEFORE
      ? [
          `Before and after: goetia at ${BEFORE} ${median(initToUp("before")).toFixed(0)} ms, now ${goetiaUp.toFixed(0)} ms (${(goetiaUp / median(initToUp("before"))).toFixed(2)}× the time it took; booted in the same rotation). Where goetia at ${BEFORE}'s time went (medians, ms): ${breakdown("before")}.`,
          "",
        ]
      : []),
    `Aim: at most ${AIM}× the baseline (${(AIM * baseUp).toFixed(0)} ms), or at most 200 ms above the floor (${(floorUp + 200).toFixed(0)} ms). goetia: ${goetiaUp.toFixed(0)} ms, ${(goetiaUp / baseUp).toFixed(2)}× the baseline, ${(goetiaUp - floorUp).toFixed(0)} ms above the floor.`,
    "",
    `Where goetia's time goes (medians, ms): ${breakdown("goetia")}. One Bun start in the floor: ${(floorUp - baseUp).toFixed(0)}. Each service, from its start to up: ${took.map((name) => `${name} ${median(samples.goetia.map((x) => x.took[name]))}`).join(", ")}.`,
  ];
}

writeResults(
  "Boot: goetia against a hand-written boot script",
  [
    `QEMU TCG, ${RUNS} boots of each image, alternately. Kernel's clock in the guest: /init = the kernel's "Run /init as init process" (after unpacking the initramfs), bundle up = the baseline script's mark or goetia's boot record. Host: QEMU start to the console prompt. RSS in kB, after boot; PID 1 private: its private pages (smaps), without the shared libraries' pages its RSS counts, more of them when other programs have read those libraries first.`,
    "",
    ...scenarios.flatMap((scenario, index) => [...report(scenario, results[index]), ""]),
    "The two biggest costs left that goetia controls. First, stage 1 (the first two rows): its Bun start costs more than the floor's empty one (bun:ffi compiles its trampolines for the libc symbols, about 95 ms cold, and stage 1's chunks load), and its work before the bring-up (mounts, the command line, the envdir and the change lock through the FFI, then Bun's spawn of the bring-up's shell) comes on top. Exec'ing the bring-up's shell as PID 1 (it can make the catch-all fifo's redirections and exec s6-svscan itself) would drop the spawn and the last FFI calls, about 50 ms measured; the mounts and the lock in the C shim would leave stage 1 little beyond Bun's start. Second, the oneshots: each pays setsid, the shell that records its exit code and the fifo that copies its lines to the catch-all log (three starts, about 35 ms) where the baseline starts the program alone. (Longruns are now waited for on s6-supervise's own event fifos, read by the shell: the s6-svwait and s6-ftrigrd each group paid, about 80 ms, are gone.)",
    "",
    `Each entry's start in the guest, warm (medians, 10 ms steps): \`goetia --version\` ${median(results[0].goetia.map((x) => x.commands["--version"])).toFixed(0)} ms, \`goetia status\` ${median(results[0].goetia.map((x) => x.commands.status)).toFixed(0)} ms (aim: 200 ms), \`goetia analyze\` ${median(results[0].goetia.map((x) => x.commands.analyze)).toFixed(0)} ms, \`goetia plot\` ${median(results[0].goetia.map((x) => x.commands.plot)).toFixed(0)} ms; stage 1, cold, is the first row of the breakdowns above; stages 3 and 4 are in the shutdown table.`,
    "",
    `Sizes: build/goetia ${sizeMb(join(ROOT, "build/goetia"))} MB, the goetia image ${sizeMb(scenarios[0].images.goetia.image)} MB.`,
  ].join("\n"),
);
