// The live scandir: service directories linked in so that s6-svscan
// supervises them, and taken out again.
import { existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { pollEach } from "../lib/poll.ts";
import { installStopped } from "./servicedir.ts";
import { isSupervised } from "./supervise.ts";
import { rescan, rescanAndPrune } from "./svscan.ts";

/** How long s6-svscan gets to start (or end) a supervisor. */
const SCAN_WAIT_MS = 10_000;

export interface Supervised {
  name: string;
  /** Where s6-supervise runs it. */
  liveDir: string;
}

/** Installs and links each new service directory, stopped, and waits for its supervisor; returns those never picked up. */
export async function supervise(scandir: string, services: (Supervised & { sourceDir: string })[]): Promise<string[]> {
  const fresh = services.filter(({ name }) => !existsSync(join(scandir, name)));
  if (fresh.length === 0) return [];
  mkdirSync(scandir, { recursive: true });
  for (const { name, sourceDir, liveDir } of fresh) {
    installStopped(sourceDir, liveDir);
    symlinkSync(liveDir, join(scandir, name));
  }
  rescan(scandir);
  const missing = await pollEach(fresh, ({ liveDir }) => !isSupervised(liveDir), SCAN_WAIT_MS);
  return missing.map(({ name }) => name);
}

/** Takes services out: their links go, s6-svscan ends their supervisors (which stop them), their directories go. */
export async function unsupervise(scandir: string, services: Supervised[]): Promise<void> {
  if (services.length === 0) return;
  for (const { name } of services) rmSync(join(scandir, name), { force: true });
  rescanAndPrune(scandir);
  await pollEach(services, ({ liveDir }) => isSupervised(liveDir), SCAN_WAIT_MS);
  for (const { liveDir } of services) rmSync(liveDir, { recursive: true, force: true });
}
