// The live scandir: service directories are copied out of the database
// (s6-supervise writes into them, and /etc may be read-only), given a `down`
// file so that s6-svscan supervises them without starting them, and linked in.
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pollEach } from "../lib/poll.ts";
import { hasReader, isSupervised, writeControl } from "./supervise.ts";

/** Copies a compiled service directory to where s6-supervise will run it, stopped. */
function makeServicedir(sourceDir: string, liveDir: string): void {
  rmSync(liveDir, { recursive: true, force: true });
  cpSync(sourceDir, liveDir, { recursive: true });
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
  scannerCommand(scandir, "a");
  const missing = await pollEach(fresh, ({ liveDir }) => !isSupervised(liveDir), 10_000);
  return missing.map(({ name }) => name);
}

/** Sends s6-svscanctl command letters: "a" scan now, "n" prune, "b" leave for the finish script. */
export function scannerCommand(scandir: string, letters: string): void {
  writeControl(join(scandir, ".s6-svscan", "control"), letters);
}

/** True once s6-svscan runs on scandir and reads its control fifo. */
export function isScanned(scandir: string): boolean {
  return hasReader(join(scandir, ".s6-svscan", "control"));
}

/**
 * Takes services out of the scandir: their links go, s6-svscan stops their
 * supervisors (which stop the services), and their directories are removed.
 */
export async function unsupervise(scandir: string, services: { name: string; liveDir: string }[]): Promise<void> {
  if (services.length === 0) return;
  for (const { name } of services) rmSync(join(scandir, name), { force: true });
  scannerCommand(scandir, "an");
  await pollEach(services, ({ liveDir }) => isSupervised(liveDir), 10_000);
  for (const { liveDir } of services) rmSync(liveDir, { recursive: true, force: true });
}
