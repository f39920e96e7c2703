// The live scandir: service directories are copied out of the source tree
// (s6-supervise writes into them, and /etc may be read-only), given a `down`
// file so that s6-svscan supervises them without starting them, and linked in.
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pollUntil } from "../lib/poll.ts";
import { hasReader, isSupervised } from "./supervise.ts";

/** Files of the s6-rc source format that mean nothing to s6-supervise. */
const MANAGER_ONLY = new Set([
  "type",
  "dependencies",
  "dependencies.d",
  "contents",
  "contents.d",
  "timeout-up",
  "timeout-down",
  "flag-essential",
  "producer-for",
  "consumer-for",
  "pipeline-name",
]);

/** Copies a longrun's source into liveDir as a service directory, stopped. */
function makeServicedir(sourceDir: string, liveDir: string): void {
  rmSync(liveDir, { recursive: true, force: true });
  cpSync(sourceDir, liveDir, {
    recursive: true,
    dereference: true,
    filter: (path) => path === sourceDir || !MANAGER_ONLY.has(path.slice(sourceDir.length + 1)),
  });
  writeFileSync(join(liveDir, "down"), "");
}

/** Installs and links each new service directory into the scandir, and waits for its supervisor; returns those never picked up. */
export async function supervise(
  scandir: string,
  services: { name: string; sourceDir: string; liveDir: string }[],
): Promise<string[]> {
  const fresh = services.filter(({ name }) => !existsSync(join(scandir, name)));
  if (fresh.length === 0) return [];
  mkdirSync(scandir, { recursive: true });
  for (const { name, sourceDir, liveDir } of fresh) {
    makeServicedir(sourceDir, liveDir);
    symlinkSync(liveDir, join(scandir, name));
  }
  await rescan(scandir);
  const waits = await Promise.all(fresh.map(({ liveDir }) => pollUntil(() => isSupervised(liveDir), 10_000)));
  return fresh.filter((_, i) => !waits[i]).map(({ name }) => name);
}

/** Asks s6-svscan to look at its scandir now. */
export async function rescan(scandir: string): Promise<void> {
  const code = await Bun.spawn(["s6-svscanctl", "-a", scandir], { stdout: "ignore", stderr: "inherit" }).exited;
  if (code !== 0) throw new Error(`s6-svscanctl -a ${scandir} failed (exit ${code}): is s6-svscan running on it?`);
}

/** True once s6-svscan runs on scandir and reads its control fifo. */
export function isScanned(scandir: string): boolean {
  return hasReader(join(scandir, ".s6-svscan", "control"));
}
