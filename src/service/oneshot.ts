// Running a oneshot's up or down script. s6-rc stores these as one execline
// command line, so execlineb lexes them here too. They run in the tree's
// clean environment from /, never in the environment of whoever asked.
import type { TransitionResult } from "../s6/supervise.ts";
import type { Service } from "./source.ts";

export async function runOneshot(
  service: Service,
  direction: "up" | "down",
  env: Record<string, string>,
  timeoutMs: number,
): Promise<TransitionResult> {
  const script = direction === "up" ? service.up : service.down;
  if (script === undefined || script === "") return { ok: true, timedOut: false, message: "" };
  const child = Bun.spawn(["execlineb", "-P", "-c", script], {
    cwd: "/",
    env,
    stdin: "ignore",
    stdout: "inherit",
    stderr: "inherit",
  });
  let timedOut = false;
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, timeoutMs)
      : undefined;
  const code = await child.exited;
  clearTimeout(timer);
  if (timedOut) return { ok: false, timedOut, message: `timed out after ${timeoutMs} ms` };
  if (code === 0) return { ok: true, timedOut, message: "" };
  const how = child.signalCode ? `killed by ${child.signalCode}` : `exited ${code}`;
  return { ok: false, timedOut, message: `${direction} script ${how}` };
}
