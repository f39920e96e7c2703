// Benchmark: a real Debian bookworm machine (scripts/build-debian.sh),
// booted the way Debian boots (its kernel, its initramfs-tools initrd),
// alternately with goetia as /sbin/init and with Debian's own systemd, the
// same packages and settings in both. From the host: QEMU start to the
// console's login prompt and to the first SSH banner; after boot, the
// processes and the sum of their PSS; and the way down, from `poweroff`
// over ssh to QEMU's exit.
import type { Socket } from "bun";
import { buildDebian, DebianMachine } from "../test/helpers/debian.ts";
import { writeResults } from "./results.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const AIM_SSH = 0.6;

interface Sample {
  promptMs: number;
  sshMs: number;
  pssKb: number;
  processes: number;
  poweroffMs: number;
}

/** How long a probe waits for the banner, and how often a new one starts: at most two are open at once. */
const PROBE_WAIT_MS = 2000;
const PROBE_EVERY_MS = 1000;

/**
 * Whether an SSH server answers on port with its banner within PROBE_WAIT_MS
 * (QEMU's user network accepts every connection, and resets it when nobody
 * listens in the guest). The connection is closed either way: one left open
 * would reach sshd later, and cost the guest a session's start.
 */
function sshBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    let open: Socket | undefined;
    const settle = (answered: boolean) => {
      if (settled) return;
      settled = true;
      open?.terminate();
      resolve(answered);
    };
    setTimeout(() => settle(false), PROBE_WAIT_MS);
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(socket) {
          if (settled) socket.terminate();
          else open = socket;
        },
        data: (_, data) => settle(data.toString().startsWith("SSH-")),
        close: () => settle(false),
        error: () => settle(false),
        connectError: () => settle(false),
      },
    }).catch(() => settle(false));
  });
}

/**
 * When an SSH server first answers on port: a new probe every
 * PROBE_EVERY_MS, beside the last, so that one stuck on a guest that has no
 * address yet (QEMU holds the connection, and the guest's answer waits for
 * TCP's next retry) does not hide the answer the next one gets at once.
 */
function firstBanner(port: number): Promise<number> {
  return new Promise((resolve) => {
    let answered = false;
    const probe = () => {
      if (answered) return;
      void sshBanner(port).then((ok) => {
        if (!ok || answered) return;
        answered = true;
        resolve(performance.now());
      });
      setTimeout(probe, PROBE_EVERY_MS);
    };
    probe();
  });
}

/** The guest's processes (those with memory of their own: not the kernel's threads) and the sum of their PSS, in kB (cat, which goes on past a process that ended meanwhile; mawk would stop). */
const MEMORY = "cat /proc/[0-9]*/smaps_rollup 2>/dev/null | awk '/^Pss:/ { n++; pss += $2 } END { print n, pss }'";

/** How each init says its boot is done: goetia's summary on the console; systemd's startup finished (whatever its state). */
const BOOT_DONE = {
  goetia: (machine: DebianMachine) => machine.guest.waitFor(/goetia: (error: )?bundle default (up|not fully up)[^\n]*\n/, 600_000),
  systemd: (machine: DebianMachine) => machine.sshUntil("root", "systemctl is-system-running --wait; true", /^(running|degraded)\n/, 600_000),
};

async function boot(image: string, init: keyof typeof BOOT_DONE): Promise<Sample> {
  const started = performance.now();
  const machine = new DebianMachine(image);
  const prompt = machine.guest.waitFor(/debian login: /, 600_000).then(() => performance.now() - started);
  const sshMs = (await firstBanner(machine.port)) - started;
  const promptMs = await prompt;
  await BOOT_DONE[init](machine);
  await Bun.sleep(10_000); // the first cron minute, and what the last services started, settle
  const [processes, pssKb] = (await machine.sshUntil("root", MEMORY, /^\d+ \d+\n/, 120_000)).out.trim().split(" ").map(Number);
  const down = performance.now();
  await machine.ssh("root", "poweroff");
  await machine.guest.exited;
  return { promptMs, sshMs, pssKb, processes, poweroffMs: performance.now() - down };
}

const images = { goetia: buildDebian("bench-goetia"), systemd: buildDebian("bench-systemd", { systemd: true }) };
const samples: Record<keyof typeof images, Sample[]> = { goetia: [], systemd: [] };
for (let round = 1; round <= RUNS; round++) {
  for (const init of ["goetia", "systemd"] as const) {
    const sample = await boot(images[init], init);
    samples[init].push(sample);
    console.log(`${init} run ${round}: prompt ${sample.promptMs.toFixed(0)} ms, ssh ${sample.sshMs.toFixed(0)} ms, ${sample.processes} processes, PSS ${sample.pssKb} kB, poweroff ${sample.poweroffMs.toFixed(0)} ms`);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const figure = (init: keyof typeof images, field: keyof Sample) => median(samples[init].map((sample) => sample[field]));
const rows: [string, keyof Sample, (value: number) => string][] = [
  ["QEMU start → login prompt on the console (ms)", "promptMs", (v) => v.toFixed(0)],
  ["QEMU start → first SSH banner (ms)", "sshMs", (v) => v.toFixed(0)],
  ["processes after boot", "processes", (v) => v.toFixed(0)],
  ["sum of their PSS after boot (MiB)", "pssKb", (v) => (v / 1024).toFixed(1)],
  ["`poweroff` over ssh → QEMU exit (ms)", "poweroffMs", (v) => v.toFixed(0)],
];
const sshRatio = figure("goetia", "sshMs") / figure("systemd", "sshMs");
writeResults(
  "Debian: goetia against systemd on the same machine",
  [
    `QEMU TCG, 768 MB, ${RUNS} boots of each, alternately, medians. A Debian bookworm root made by mmdebstrap (its kernel and initramfs-tools initrd, udev, openssh-server, cron, rsyslog, dbus, ifupdown with DHCP, chrony), goetia installed into it with \`make install DESTDIR=\`; systemd: the same root as Debian left it. The banner probed by a new connection every second, each given 2 s. PSS once the boot is done (goetia's bundle up, systemd's \`is-system-running --wait\`) and 10 s more, over the processes with memory of their own (not the kernel's threads), the measuring ssh session included in both.`,
    "",
    "| | goetia | systemd | ratio |",
    "| --- | ---: | ---: | ---: |",
    ...rows.map(([what, field, show]) => `| ${what} | ${show(figure("goetia", field))} | ${show(figure("systemd", field))} | ${(figure("goetia", field) / figure("systemd", field)).toFixed(2)} |`),
    "",
    `Aim: every figure below systemd's, and sshd answering in at most ${AIM_SSH}× systemd's time: ${sshRatio.toFixed(2)}×, ${sshRatio <= AIM_SSH ? "reached" : "not reached"}.`,
  ].join("\n"),
);
