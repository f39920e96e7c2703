// Telling a running daemon something: a signal through its s6-supervise
// (goetia signal), what has it read its configuration again (goetia
// reload), or, before it is stopped, its stop command. Only a longrun that
// is up has a process to tell; a bundle stands for its longruns.
import { EXIT, UsageError } from "../../lib/errors.ts";
import { log } from "../../lib/log.ts";
import { oneshotArgv } from "../../s6/execline.ts";
import { SIGNAL_LETTERS, signalName, unsendable } from "../../s6/signals.ts";
import { readStatus } from "../../s6/status.ts";
import { command } from "../../s6/supervise.ts";
import { resolveNames } from "../graph.ts";
import type { Service } from "../../service.ts";
import type { Live } from "./live.ts";

/** The running daemons names stand for, each with its pid; throws a usage error for a oneshot named as such. */
function runningDaemons(live: Live, names: string[]): { daemons: { service: Service; pid: number }[]; notUp: string[] } {
  for (const name of names) {
    if (live.graph.atoms.get(name)?.type === "oneshot") throw new UsageError(`${name} is a oneshot: it has no process to tell anything`);
  }
  const daemons: { service: Service; pid: number }[] = [];
  const notUp: string[] = [];
  for (const name of resolveNames(live.graph, names)) {
    const service = live.graph.atoms.get(name)!;
    if (service.type !== "longrun") continue;
    const pid = readStatus(live.servicedir(name))?.pid ?? 0;
    if (pid === 0) notUp.push(name);
    else daemons.push({ service, pid });
  }
  return { daemons, notUp };
}

/** The letter s6-svc sends text's signal with; a usage error for a signal that is none, or that s6-supervise does not send. */
export function signalLetter(text: string): string {
  const name = signalName(text);
  if (name === undefined) throw new UsageError(`"${text}" is not a signal`);
  const why = unsendable(name);
  if (why) throw new UsageError(why);
  return SIGNAL_LETTERS[name];
}

/** Sends signal to the daemons names stand for; 1 when one of them is not up. */
export function signalServices(live: Live, signal: string, names: string[]): number {
  const letter = signalLetter(signal);
  const { daemons, notUp } = runningDaemons(live, names);
  for (const { service, pid } of daemons) {
    command(live.servicedir(service.name), letter);
    log.info(`${service.name}: SIG${signalName(signal)} sent (pid ${pid})`);
  }
  return sayNotUp(notUp);
}

/**
 * Has each daemon names stand for read its configuration again: its reload
 * file's signal (SIGHUP without one), or its reload command, run in the
 * tree's environment with the daemon's pid in MAINPID (as systemd's
 * ExecReload has it), within the service's timeout-up.
 */
export async function reloadServices(live: Live, names: string[]): Promise<number> {
  const { daemons, notUp } = runningDaemons(live, names);
  let code = sayNotUp(notUp);
  for (const { service, pid } of daemons) {
    const reload = service.reload ?? { signal: "HUP" };
    if ("signal" in reload) {
      command(live.servicedir(service.name), SIGNAL_LETTERS[reload.signal]);
      log.info(`${service.name} reloaded: SIG${reload.signal} sent (pid ${pid})`);
      continue;
    }
    const failure = await runDaemonCommand(live, "reload", reload.command, pid, service.timeoutUp);
    if (failure === undefined) log.info(`${service.name} reloaded`);
    else {
      log.error(`${service.name}: ${failure}`);
      code = EXIT.FAILED;
    }
  }
  return code;
}

/**
 * Before a daemon that has a stop command is sent its down-signal: the
 * command, with its pid in MAINPID (as systemd's ExecStop has it), within
 * the service's timeout-down. A stop command that fails is told, and the
 * signal goes anyway.
 */
export async function runStopCommand(live: Live, service: Service): Promise<void> {
  if (service.stop === undefined) return;
  const pid = readStatus(live.servicedir(service.name))?.pid ?? 0;
  if (pid === 0) return;
  const failure = await runDaemonCommand(live, "stop", service.stop, pid, service.timeoutDown);
  if (failure !== undefined) log.warn(`${service.name}: ${failure}; its down-signal stops it`);
}

/** Runs a daemon's reload or stop command line, killed after timeoutMs (0: none); why it failed, if it did. */
async function runDaemonCommand(live: Live, what: "reload" | "stop", script: string, pid: number, timeoutMs: number): Promise<string | undefined> {
  const child = Bun.spawn(oneshotArgv(script), { cwd: "/", env: { ...live.env, MAINPID: String(pid) }, stdio: ["ignore", "inherit", "inherit"] });
  const timer = timeoutMs > 0 ? setTimeout(() => child.kill("SIGKILL"), timeoutMs) : undefined;
  const code = await child.exited;
  clearTimeout(timer);
  const limit = what === "reload" ? "timeout-up" : "timeout-down";
  if (child.signalCode) return `its ${what} command was killed by ${child.signalCode}${timer && child.signalCode === "SIGKILL" ? ` (${limit}, ${timeoutMs} ms)` : ""}`;
  return code === 0 ? undefined : `its ${what} command exited ${code}`;
}

function sayNotUp(names: string[]): number {
  for (const name of names) log.error(`${name} is not up: there is no process to tell`);
  return names.length > 0 ? EXIT.FAILED : EXIT.OK;
}
