// Benchmark: the test system booted from its initramfs against the same
// system from a disk (QEMU, TCG): QEMU start to the bundle up, as the host
// sees it on the console, and the smallest guest memory each form boots in
// (the initramfs must be unpacked in RAM beside itself; the disk's boot
// initramfs is 1.7 MB and the root stays on the disk).
import { join } from "node:path";
import { buildDisk, buildImage, Guest, ROOT } from "../test/helpers/guest.ts";
import { writeResults } from "./results.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Guest memory sizes tried, smallest first, MB. */
const MEMORY_MB = [64, 96, 128, 160, 192, 256, 320, 384, 512];

const image = buildImage("bench-form");
const disk = buildDisk("bench-form");
const forms: Record<string, (extra: string[]) => Guest> = {
  initramfs: (extra) => new Guest(image, extra, 90),
  disk: (extra) => new Guest(join(ROOT, "build", "initrd-disk.img"), ["-d", disk, ...extra], 90),
};

/** QEMU start to "bundle default up" in ms, or undefined when the guest never gets there. */
async function bootMs(form: string, memoryMb?: number): Promise<number | undefined> {
  const started = performance.now();
  const guest = forms[form](memoryMb === undefined ? [] : ["-M", String(memoryMb)]);
  try {
    await guest.waitFor(/goetia: bundle default up/, 60_000);
    return performance.now() - started;
  } catch {
    return undefined;
  } finally {
    guest.kill();
    await guest.exited;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rows: string[] = [];
for (const form of Object.keys(forms)) {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const ms = await bootMs(form);
    if (ms === undefined) throw new Error(`the ${form} form did not boot`);
    times.push(ms);
    console.log(`${form} run ${run + 1}: bundle up ${ms.toFixed(0)} ms after QEMU started`);
  }
  let smallest: number | undefined;
  for (const mb of MEMORY_MB) {
    if ((await bootMs(form, mb)) === undefined) continue;
    smallest = mb;
    break;
  }
  console.log(`${form}: boots in ${smallest ?? "none of"} MB`);
  rows.push(`| ${form} | ${median(times).toFixed(0)} (${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)}) | ${smallest ?? `more than ${MEMORY_MB.at(-1)}`} |`);
}

writeResults(
  "Boot forms: initramfs against disk",
  [
    `QEMU TCG, the default bundle, ${RUNS} boots of each form; the host's clock, from QEMU's start to "goetia: bundle default up" on the console (firmware, kernel, and the initramfs unpacked or the disk mounted, included). Smallest memory: the first of ${MEMORY_MB.join(", ")} MB in which the bundle comes up.`,
    "",
    "| form | QEMU start → bundle up (ms, spread) | smallest guest memory (MB) |",
    "| --- | ---: | ---: |",
    ...rows,
  ].join("\n"),
);
