// Benchmark: the way down of the default bundle under QEMU (TCG).
//
// Boots the test system, waits for its prompt, types `poweroff`, and times
// the request to QEMU's exit on the host. The guest's own timeline (marks
// that stages 3 and 4 leave on the monotonic clock, printed by stage 4)
// splits that time: starting the binary, the services' own stop time,
// goetia's own work, and the grace time actually waited.
import { buildImage, Guest } from "../test/helpers/guest.ts";
import { writeResults } from "./results.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** The aim for goetia's own part of the way down, apart from starting the binary, under TCG. */
const AIM_MS = 100;

interface Run {
  totalMs: number;
  marks: Record<string, number>;
}

async function once(image: string): Promise<Run> {
  const guest = new Guest(image);
  await guest.waitFor(/goetia:~# /);
  const start = performance.now();
  guest.type("goetia poweroff");
  const code = await guest.exited;
  const totalMs = performance.now() - start;
  if (code !== 0) throw new Error(`QEMU exited ${code}:\n${guest.output}`);
  const line = guest.output.match(/the way down: (.*)\r?\n/)?.[1];
  if (!line) throw new Error(`no timeline on the console:\n${guest.output}`);
  const marks = Object.fromEntries([...line.matchAll(/([\w-]+) ([+-]\d+) ms/g)].map(([, what, ms]) => [what, Number(ms)]));
  return { totalMs, marks };
}

const image = buildImage("bench-shutdown");
const runs: Run[] = [];
for (let i = 0; i < RUNS; i++) runs.push(await once(image));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const part = (from: string, to: string) => median(runs.map((r) => r.marks[to] - r.marks[from]));
const rows: [string, number][] = [
  // The kernel keeps fork times in 10 ms steps, rounded down: this row can come out a little below 0.
  ["request → stage 3 forked (signal to PID 1, s6-svscan forks .s6-svscan/SIGUSR2; ±10 ms)", Math.max(0, part("requested", "stage3-forked"))],
  ["stage 3: exec and starting the binary", part("stage3-forked", "stage3")],
  ["stage 3: goetia's own work before the services", part("stage3", "services-stopping")],
  ["services' own stop time (the change, end to end)", part("services-stopping", "services-down")],
  ["stage 3 → stage 4 running (s6-svscan leaves, execs .s6-svscan/finish: exec and starting the binary)", part("services-down", "stage4")],
  ["stage 4: TERM and reaping until no process is left (grace used)", part("stage4", "processes-gone")],
  ["stage 4: catch-all log and boot record saved, sync, unmount", part("processes-gone", "unmounted")],
];
const guestMs = part("requested", "unmounted");
// Stage 4 is PID 1 exec'ing, not a new process: its hand-off and binary start are one row.
const binaryMs = part("stage3-forked", "stage3") + part("services-down", "stage4");
const servicesMs = part("services-stopping", "services-down");
const ownMs = guestMs - binaryMs - servicesMs;
const totalMs = median(runs.map((r) => r.totalMs));

for (const [what, ms] of rows) console.log(`${String(ms).padStart(6)} ms  ${what}`);
console.log(`goetia's own part, apart from starting the binary: ${ownMs} ms; request to QEMU exit: ${totalMs.toFixed(0)} ms`);

writeResults(
  "Shutdown: poweroff of the default bundle under QEMU",
  `Medians of ${RUNS} runs. Host: from typing \`goetia poweroff\` on the console to QEMU's exit. ` +
    "Guest: marks on CLOCK_MONOTONIC left by the request, stage 3 and stage 4.\n\n" +
    "| part of the way down | ms |\n| --- | ---: |\n" +
    rows.map(([what, ms]) => `| ${what} | ${ms} |`).join("\n") +
    `\n| **guest, request to unmounted** | **${guestMs}** |` +
    `\n| **host, request to QEMU exit** | **${totalMs.toFixed(0)}** |` +
    `\n\ngoetia's own part, apart from starting the binary (guest total − binary starts − services): **${ownMs} ms**` +
    (ownMs <= AIM_MS ? `, within the aim of ${AIM_MS} ms. ` : `, over the aim of ${AIM_MS} ms. `) +
    "It holds the signal's way to stage 3, stage 3's work before the services (its watchdog process among it), " +
    "the wait for the last processes to exit after SIGTERM, and sync and unmount. " +
    "The host total also holds the request's own binary start, before its mark. " +
    "The grace time (3 s) is waited only while a process is still alive: the reaping row shows what was used.",
);
