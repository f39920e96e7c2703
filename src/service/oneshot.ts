// Running a oneshot's up or down script. s6-rc stores these as one execline
// command line, so execlineb lexes them here too. They run in the tree's
// clean environment from /, never in the environment of whoever asked, in a
// process group of their own so that a timeout ends everything they started.
import { INTERRUPTED, type TransitionResult } from "../s6/supervise.ts";
import type { Service } from "./source.ts";

export async function runOneshot(
  service: Service,
  direction: "up" | "down",
  env: Record<string, string>,
  timeoutMs: number,
  abort?: AbortSignal,
): Promise<TransitionResult> {
  const script = direction === "up" ? service.up : service.down;
  if (script === undefined || script === "") return { ok: true, timedOut: false, message: "" };
  const child = Bun.spawn(["execlineb", "-P", "-c", script], {
    cwd: "/",
    env,
    stdin: "ignore",
    stdout: "inherit",
    stderr: "inherit",
    detached: true,
  });
  let ended: string | undefined;
  const end = (why: string) => {
    ended ??= why;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  const timer = timeoutMs > 0 ? setTimeout(end, timeoutMs, `timed out after ${timeoutMs} ms`) : undefined;
  const onAbort = () => end(INTERRUPTED);
  abort?.addEventListener("abort", onAbort);
  const code = await child.exited;
  clearTimeout(timer);
  abort?.removeEventListener("abort", onAbort);
  if (ended) return { ok: false, timedOut: true, message: ended };
  if (code === 0) return { ok: true, timedOut: false, message: "" };
  const how = child.signalCode ? `killed by ${child.signalCode}` : `exited ${code}`;
  return { ok: false, timedOut: false, message: `${direction} script ${how}` };
}
