// Benchmark: the boot, against a hand-written one (QEMU, TCG).
//
// Three images from the same root, booted alternately: goetia's; the
// baseline, whose /init is a busybox sh script that mounts the same file
// systems, copies the same two longruns into a scandir with `down` files,
// execs s6-svscan as PID 1 and, in a background subshell, runs `hostname -F`,
// then `s6-svc -u` and `s6-svwait -u` on both longruns; and the floor, the
// baseline whose /init first runs an empty Bun executable once (in place of
// goetia's binary, so the image keeps its size): what any init whose stage
// 1 is a Bun program pays. Each guest reports, on the kernel's clock, when
// /init started (the kernel's "Run /init" line in dmesg, after the
// initramfs is unpacked) and when its bundle was up (the baseline's script
// writes it; goetia's boot timeline says it).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildImage, Guest, ROOT } from "../test/helpers/guest.ts";
import { writeResults } from "./results.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const AIM = 1.5;

const baselineInit = (preamble: string) => `#!/bin/sh
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
(
  hostname -F /etc/hostname
  until s6-svok /run/sv/syslogd && s6-svok /run/sv/console-shell; do sleep 0.01; done
  s6-svc -u /run/sv/syslogd; s6-svc -u /run/sv/console-shell
  s6-svwait -u /run/sv/syslogd /run/sv/console-shell
  cut -d' ' -f1 /proc/uptime > /run/bundle-up
  echo "baseline: bundle up"
) </dev/null >/dev/console 2>&1 &
exec s6-svscan /run/service
`;

/** When the kernel ran /init, in seconds on its clock. */
const INIT_AT = `$(dmesg | grep -m1 'Run /init as init process' | tr -d '[]' | awk '{ print $1 }')`;

/** Prints "TIMES <init start s> <bundle up s>" on the kernel's clock; goetia's also its boot marks (stage 1, stage 2 forked and running). */
const REPORT = {
  goetia: `echo TIMES ${INIT_AT} $(awk '$1 == "bundle-up" { print $2 / 1e9 }' /run/system/goetia/boot-timeline); echo MARKS $(awk '{ printf "%s=%.3f ", $1, $2 / 1e9 }' /run/system/goetia/boot-timeline); echo TOOK $(cd /run/system/goetia/state && for f in *.json; do printf '%s=%s ' "\${f%.json}" "$(sed 's/.*"durationMs":\\([0-9]*\\).*/\\1/' "$f")"; done)`,
  baseline: `echo TIMES ${INIT_AT} $(cat /run/bundle-up)`,
};

/** In goetia's guest: how long `goetia --version` and `goetia status` take, on the kernel's clock (10 ms steps). */
const COMMANDS = `for c in --version status; do a=$(cut -d' ' -f1 /proc/uptime); goetia $c >/dev/null; b=$(cut -d' ' -f1 /proc/uptime); echo CMD $c $(awk "BEGIN { print ($b - $a) * 1000 }"); done`;

interface Sample {
  initS: number;
  upS: number;
  promptMs: number;
  pid1RssKb: number;
  allRssKb: number;
  commands: Record<string, number>;
  /** goetia's boot marks, in seconds on the kernel's clock. */
  marks: Record<string, number>;
  /** Each service's time from start to up, in ms, as goetia recorded it. */
  took: Record<string, number>;
}

async function boot(image: string, report: string): Promise<Sample> {
  const started = performance.now();
  const guest = new Guest(image);
  await guest.waitFor(/goetia:~# /);
  const promptMs = performance.now() - started;
  const from = guest.output.length;
  guest.type(`${report}; echo RSS $(grep VmRSS /proc/1/status | tr -s ' ' | cut -d' ' -f2) $(cat /proc/[0-9]*/status 2>/dev/null | grep VmRSS | tr -s ' ' | cut -d' ' -f2 | awk '{ s += $1 } END { print s }')`);
  const [, init, up] = await guest.waitFor(/\nTIMES ([\d.]+) ([\d.]+)/, 30_000, from);
  const [, pid1, all] = await guest.waitFor(/\nRSS (\d+) (\d+)/, 30_000, from);
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
    await guest.waitFor(/\nCMD status [\d.]+/, 30_000, after);
    for (const [, command, ms] of guest.output.slice(after).matchAll(/\nCMD (\S+) ([\d.]+)/g)) commands[command] = Number(ms);
  }
  guest.type("poweroff -f");
  await guest.exited;
  return { initS: Number(init), upS: Number(up), promptMs, pid1RssKb: Number(pid1), allRssKb: Number(all), commands, marks, took };
}

const images = {
  goetia: { image: buildImage("bench-boot"), report: REPORT.goetia },
  baseline: { image: buildImage("bench-baseline", { init: baselineInit("") }), report: REPORT.baseline },
  floor: {
    // The empty Bun executable stands where goetia's binary was: the image keeps its size.
    image: (() => {
      const empty = join(ROOT, "build", "bench-empty");
      Bun.spawnSync([process.execPath, "build", "--compile", "--bytecode", "--target=bun-linux-x64", join(ROOT, "bench", "empty.ts"), "--outfile", empty]);
      return buildImage("bench-floor", { init: baselineInit("/usr/sbin/goetia"), "usr/sbin/goetia": readFileSync(empty) });
    })(),
    report: REPORT.baseline,
  },
};

const samples: Record<keyof typeof images, Sample[]> = { goetia: [], baseline: [], floor: [] };
for (let run = 0; run < RUNS; run++) {
  for (const [name, { image, report }] of Object.entries(images) as [keyof typeof images, { image: string; report: string }][]) {
    const sample = await boot(image, report);
    samples[name].push(sample);
    console.log(`${name} run ${run + 1}: /init at ${sample.initS.toFixed(2)} s, bundle up ${((sample.upS - sample.initS) * 1000).toFixed(0)} ms later`);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values: number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
const initToUp = (name: keyof typeof images) => samples[name].map((s) => (s.upS - s.initS) * 1000);
const row = (name: keyof typeof images) => {
  const s = samples[name];
  const ms = initToUp(name);
  return `| ${name} | ${median(s.map((x) => x.initS * 1000)).toFixed(0)} | ${median(ms).toFixed(0)} (${spread(ms)}) | ${(median(ms) / median(initToUp("baseline"))).toFixed(2)} | ${median(s.map((x) => x.promptMs)).toFixed(0)} | ${median(s.map((x) => x.pid1RssKb))} | ${median(s.map((x) => x.allRssKb))} |`;
};
/** goetia's median time between two of its boot marks, in ms. */
const part = (to: string, from: string) => median(samples.goetia.map((x) => (x.marks[to] - x.marks[from]) * 1000));
const sizeMb = (path: string) => (Bun.file(path).size / 1e6).toFixed(0);
const goetiaUp = median(initToUp("goetia"));
const floorUp = median(initToUp("floor"));
const baseUp = median(initToUp("baseline"));

writeResults(
  "Boot: goetia against a hand-written boot script",
  [
    `QEMU TCG, the default bundle (hostname, syslogd, console-shell), ${RUNS} boots of each image, alternately. Kernel's clock in the guest: /init = the kernel's "Run /init as init process" (after unpacking the initramfs), bundle up = the baseline script's mark or goetia's boot timeline. Host: QEMU start to the console prompt. RSS in kB, after boot.`,
    "",
    "| image | kernel start → /init (ms, the initramfs unpacked) | /init → bundle up (ms, spread) | ratio to baseline | QEMU start → prompt (ms) | PID 1 RSS | all processes' RSS |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    row("goetia"),
    row("baseline"),
    row("floor"),
    "",
    `Aim: at most ${AIM}× the baseline (${(AIM * baseUp).toFixed(0)} ms), or at most 200 ms above the floor (${(floorUp + 200).toFixed(0)} ms). goetia: ${goetiaUp.toFixed(0)} ms, ${(goetiaUp / baseUp).toFixed(2)}× the baseline, ${(goetiaUp - floorUp).toFixed(0)} ms above the floor.`,
    "",
    "Where goetia's time goes (medians, ms): " +
      (
        [
          ["/init → stage 1 running (the shim, one Bun start)", "stage1", undefined],
          ["stage 1's work, to the bring-up started (mounts, run-image, envdir)", "bringup", "stage1"],
          ["the bring-up preparing what s6-svscan finds, to s6-svscan exec'd", "svscan", "bringup"],
          ["s6-svscan → bundle up (the services)", "bundle-up", "svscan"],
        ] as [string, string, string | undefined][]
      )
        .map(([what, to, from]) => `${what} ${median(samples.goetia.map((x) => (x.marks[to] - (from ? x.marks[from] : x.initS)) * 1000)).toFixed(0)}`)
        .join("; ") +
      ". Each service, from its start to up: " +
      Object.keys(samples.goetia[0].took)
        .map((name) => `${name} ${median(samples.goetia.map((x) => x.took[name]))}`)
        .join(", ") +
      ".",
    "",
    `The two biggest costs left that goetia controls. First, the services (s6-svscan → bundle up, ${part("bundle-up", "svscan").toFixed(0)} ms, against about 300 ms for the baseline's whole script): under TCG every program's first start is translated anew, and the bring-up starts four for a oneshot (setsid, the shell that records the exit code, execlineb, the program) where the baseline starts one, plus a \`mv\` per state record; lexing the oneshots' command lines at compile time (as s6-rc does) and running their argv directly, with the exit recorded by the worker, would cut three of the four. Second, the Bun start and stage 1's own work (${(part("bringup", "stage1") + median(samples.goetia.map((x) => (x.marks.stage1 - x.initS) * 1000)) - (floorUp - baseUp)).toFixed(0)} ms beyond the floor's empty Bun start): the FFI's compiler and the first calls of Bun's spawn, console and glob are all cold; folding the run-image copy into the bring-up and opening libc with only the symbols stage 1 needs would cut it.`,
    "",
    `In the guest (medians): \`goetia --version\` ${median(samples.goetia.map((x) => x.commands["--version"])).toFixed(0)} ms, \`goetia status\` ${median(samples.goetia.map((x) => x.commands.status)).toFixed(0)} ms (aim: 200 ms).`,
    "",
    `Sizes: build/goetia ${sizeMb(join(ROOT, "build/goetia"))} MB, the goetia image ${sizeMb(images.goetia.image)} MB.`,
  ].join("\n"),
);
