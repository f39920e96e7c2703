// Reading service source directories in s6-rc-compile's format.
// One directory per service under src/<category>/; the directory name is the
// service name. Every mistake becomes a Problem naming the service, the file
// and what is wrong; a broken service is left out and the rest still loads.
import { closeSync, constants, existsSync, fstatSync, openSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { SD_NOTIFY_FD } from "../../helpers/sd-notify.ts";
import { MAX_TIMEOUT_MS } from "../../lib/cutoff.ts";
import { errorText } from "../../lib/errors.ts";
import { isMissing, readIfExists } from "../../lib/files.ts";
import { badNameReason } from "../../lib/names.ts";
import { parseNice } from "../../s6/run-script.ts";
import { signalName, unsendable } from "../../s6/signals.ts";
import { CHECK_DEFAULTS } from "../health-check.ts";
import { MAX_DELAY_MS, POLICY_DEFAULTS } from "../restart-policy.ts";
import { FAILURE_ACTIONS, newService, STAY_UP_MS, type FailureAction, type HealthCheck, type Problem, type RestartPolicy, type Service, type ServiceType, type SourceSet } from "../../service.ts";

const TYPES: ServiceType[] = ["longrun", "oneshot", "bundle"];

/** Numeric files, each with the largest value that means something. */
const NUMBER_LIMITS: Record<string, { max: number; why: string }> = {
  "timeout-up": { max: MAX_TIMEOUT_MS, why: "ms, the longest a timer can wait" },
  "timeout-down": { max: MAX_TIMEOUT_MS, why: "ms, the longest a timer can wait" },
  "timeout-kill": { max: MAX_TIMEOUT_MS, why: "ms, the longest a timer can wait" },
  "timeout-finish": { max: MAX_TIMEOUT_MS, why: "ms, the longest a timer can wait" },
  "max-death-tally": { max: 4096, why: "deaths, as many as s6-supervise keeps" },
  "notification-fd": { max: 1023, why: "past the usual limit of open descriptors (1024)" },
  "stay-up": { max: 60_000, why: "ms: a daemon that must run a minute to count as up wants readiness" },
  "restart-limit-count": { max: 1000, why: "deaths, as many as the policy counts" },
  "restart-limit-interval": { max: MAX_TIMEOUT_MS, why: "ms, the longest a timer can wait" },
  "restart-delay": { max: MAX_DELAY_MS, why: "ms, the longest a back-off waits" },
  "check-interval": { max: MAX_TIMEOUT_MS, why: "ms, the longest a timer can wait" },
  "check-timeout": { max: MAX_TIMEOUT_MS, why: "ms, the longest a timer can wait" },
  "check-failures": { max: 1000, why: "checks in a row" },
};

/** Longrun files that s6-supervise reads as a number: checked here, where the mistake can be named. */
const SUPERVISE_NUMBERS = ["timeout-kill", "timeout-finish", "max-death-tally"];

/** The longest up or down script: execlineb gets it as one argument, and the kernel takes at most 128 KiB there. */
const MAX_SCRIPT_BYTES = 128 * 1024 - 1;

/** Reads every src/<category>/<name> (and src/<name> for uncategorised services). */
export function loadSources(sourceDir: string): SourceSet {
  const set: SourceSet = { services: new Map(), broken: new Set(), problems: [] };
  for (const dir of serviceDirs(sourceDir, set.problems)) {
    const name = dir.split("/").pop()!;
    const problem = (file: string, message: string) => set.problems.push({ service: name, file: join(dir, file), message });
    const existing = set.services.get(name);
    if (existing) {
      problem("", `defined twice: also in ${existing.dir}; this one is ignored`);
      continue;
    }
    const service = readService(name, dir, problem);
    if (service) set.services.set(name, service);
    else set.broken.add(name);
  }
  return set;
}

/**
 * The service folders: src/NAME when it has a type file, else
 * src/CATEGORY/NAME. As s6-rc-compile reads a source folder, hidden entries
 * and anything that is not a folder are passed over, but a hidden folder
 * that holds a type file is told (a service with a bad name), and so is a
 * link that leads nowhere or a folder that cannot be read.
 */
function serviceDirs(sourceDir: string, problems: Problem[]): string[] {
  const dirs: string[] = [];
  const visit = (path: string, name: string, inCategory: boolean) => {
    try {
      const hidden = name.startsWith(".");
      const isService = existsSync(join(path, "type"));
      if (hidden && !isService) return;
      if (!isDirectory(path)) {
        const link = existsSync(path) ? undefined : linkTarget(path);
        if (link !== undefined) problems.push({ service: name, file: path, message: `links to ${link}, which does not exist` });
        return;
      }
      if (isService || inCategory) dirs.push(path);
      else for (const inner of listDir(path, true)) visit(join(path, inner), inner, true);
    } catch (error) {
      problems.push({ service: name, file: path, message: `cannot be read: ${errorText(error)}` });
    }
  };
  for (const entry of listDir(sourceDir, true)) visit(join(sourceDir, entry), entry, false);
  return dirs;
}

export type Report = (file: string, message: string) => void;

/**
 * One service's files, read with every failure reported against the file.
 * The folder is listed once: a file it does not hold is not asked for (most
 * of the format's files are optional, and each failed open costs).
 */
export class SourceFiles {
  private readonly entries = new Set<string>();

  constructor(
    readonly dir: string,
    readonly fail: Report,
  ) {
    try {
      for (const entry of listDir(dir, true)) this.entries.add(entry);
    } catch (error) {
      fail("", `cannot be read: ${errorText(error)}`);
    }
  }

  /** The whole text, or undefined when the file does not exist; an unreadable file is a problem. */
  text(file: string): string | undefined {
    if (!this.exists(file)) return undefined;
    try {
      return readIfExists(join(this.dir, file));
    } catch (error) {
      return void this.fail(file, `cannot be read: ${errorText(error)}`);
    }
  }

  /** The whole file, trimmed: s6-rc lexes an up/down file as one execline script. */
  command(file: string): string | undefined {
    const script = this.text(file)?.trim();
    if (script !== undefined && Buffer.byteLength(script) > MAX_SCRIPT_BYTES) {
      return void this.fail(file, `${Buffer.byteLength(script)} bytes: more than the ${MAX_SCRIPT_BYTES} a command line may hold`);
    }
    return script;
  }

  /** Non-empty lines, without comments (# to end of line); a file with control characters in it is not text, and a problem. */
  lines(file: string): string[] | undefined {
    const text = this.text(file);
    if (text !== undefined && /[\x00-\x08\x0b-\x1f\x7f]/.test(text.replace(/\r\n/g, "\n"))) {
      return void this.fail(file, "not text: it holds control characters");
    }
    return text
      ?.split("\n")
      .map((line) => line.replace(/#.*/, "").trim())
      .filter((line) => line !== "");
  }

  line(file: string): string | undefined {
    return this.lines(file)?.[0];
  }

  number(file: string): number | undefined {
    const text = this.line(file);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) return void this.fail(file, `"${text}" is not a non-negative integer`);
    const { max, why } = NUMBER_LIMITS[file];
    if (Number(text) > max) return void this.fail(file, `${text} is more than ${max} ${why}`);
    return Number(text);
  }

  /** The names in NAME.d/ (empty files) and NAME (one per line), each with the file that names it; each name checked. */
  names(base: string): Record<string, string> {
    const origins: Record<string, string> = {};
    for (const name of this.folder(`${base}.d`)) origins[name] = `${base}.d/${name}`;
    for (const name of this.lines(base) ?? []) origins[name] ??= base;
    for (const [name, file] of Object.entries(origins)) {
      const reason = badNameReason(name);
      if (reason) this.fail(file, `bad name "${name}": ${reason}`);
    }
    return origins;
  }

  /** The visible entries of a folder in the service's; none when it is not there, and an unreadable one is a problem. */
  folder(file: string): string[] {
    if (!this.exists(file)) return [];
    try {
      return listDir(join(this.dir, file), false);
    } catch (error) {
      this.fail(file, `cannot be read: ${errorText(error)}`);
      return [];
    }
  }

  exists(file: string): boolean {
    return this.entries.has(file);
  }
}

/** The service in dir; a definition's folder holds no type file: it is a longrun (impliedType). */
export function readService(name: string, dir: string, problem: Report, impliedType?: ServiceType): Service | undefined {
  const nameProblem = badNameReason(name);
  if (nameProblem) return void problem("", `bad service name: ${nameProblem}`);
  let broken = false;
  const files = new SourceFiles(dir, (file, message) => {
    broken = true;
    problem(file, message);
  });

  const type = impliedType ?? files.line("type");
  if (broken) return undefined; // unreadable: already told
  if (type === undefined) return void problem("type", "missing: every service needs a type file");
  if (!TYPES.includes(type as ServiceType)) return void problem("type", `unknown type "${type}": expected longrun, oneshot or bundle`);

  const service = newService(name, type as ServiceType, dir, { essential: files.exists("flag-essential") });
  const units = files.lines("systemd-units");
  if (units !== undefined) service.systemdUnits = units;
  if (service.type === "bundle") {
    service.origins = files.names("contents");
    service.contents = Object.keys(service.origins);
    return broken ? undefined : service;
  }

  service.origins = files.names("dependencies");
  service.dependencies = Object.keys(service.origins);
  const failureAction = files.line("failure-action");
  if (failureAction !== undefined && !(FAILURE_ACTIONS as readonly string[]).includes(failureAction)) files.fail("failure-action", `"${failureAction}": ${FAILURE_ACTIONS.join(" or ")}`);
  else if (failureAction !== undefined) service.failureAction = failureAction as FailureAction;
  service.timeoutUp = files.number("timeout-up") ?? 0;
  service.timeoutDown = files.number("timeout-down") ?? 0;
  service.nice = readNice(files);
  if (service.type === "oneshot") {
    service.up = files.command("up");
    service.down = files.command("down");
    if (service.up === undefined && !broken) files.fail("up", "missing: a oneshot needs an up file");
  } else {
    checkScript(files, "run");
    checkScript(files, "finish");
    for (const file of SUPERVISE_NUMBERS) files.number(file);
    service.notificationFd = files.number("notification-fd");
    if (service.notificationFd !== undefined && service.notificationFd < 3) files.fail("notification-fd", "must be 3 or more: 0, 1 and 2 are taken");
    if (files.exists("sd-notify")) {
      if (service.notificationFd !== undefined) files.fail("sd-notify", "and notification-fd both say how the daemon tells it is ready: keep one");
      service.sdNotify = true;
      service.notificationFd = SD_NOTIFY_FD;
    }
    service.producerFor = files.line("producer-for");
    service.consumerFor = files.lines("consumer-for") ?? [];
    service.pipelineName = files.line("pipeline-name");
    service.noLog = files.exists("no-log");
    const stayUp = files.number("stay-up");
    if (service.notificationFd === undefined) service.stayUpMs = stayUp ?? STAY_UP_MS;
    else if (stayUp !== undefined) files.fail("stay-up", "the daemon says when it is ready (notification-fd, sd-notify): that is when it is up");
    service.reload = readReload(files);
    const stop = files.command("stop");
    if (stop === "") files.fail("stop", "empty: a command line, or no file");
    else service.stop = stop;
    service.restartPolicy = readRestartPolicy(files);
    service.check = readHealthCheck(files);
  }
  return broken ? undefined : service;
}

/** A `nice` file: nice(1)'s range. */
function readNice(files: SourceFiles): number | undefined {
  const text = files.line("nice");
  if (text === undefined) return undefined;
  return parseNice(text) ?? void files.fail("nice", `"${text}" is not a niceness from -20 to 19`);
}

/** A longrun's restart policy, where any of its files is there; the others take their defaults. */
function readRestartPolicy(files: SourceFiles): RestartPolicy | undefined {
  const limit = files.number("restart-limit-count");
  const intervalMs = files.number("restart-limit-interval");
  const delayMs = files.number("restart-delay");
  const giveUp = files.line("give-up");
  if (limit === undefined && intervalMs === undefined && delayMs === undefined && giveUp === undefined) return undefined;
  if (limit === 0) files.fail("restart-limit-count", "0 deaths would give up before the first restart: at least 1");
  if (intervalMs === 0) files.fail("restart-limit-interval", "0 ms holds no death: at least 1");
  if (giveUp !== undefined && giveUp !== "poweroff" && giveUp !== "reboot") {
    const reason = badNameReason(giveUp);
    if (reason) files.fail("give-up", `"${giveUp}" is neither poweroff, reboot nor a service name: ${reason}`);
  }
  return {
    limit: limit ?? POLICY_DEFAULTS.limit,
    intervalMs: intervalMs ?? POLICY_DEFAULTS.intervalMs,
    delayMs: delayMs ?? POLICY_DEFAULTS.delayMs,
    ...(giveUp === undefined ? {} : { giveUp }),
  };
}

/** A longrun's health check, where it has a check file; check-* files without one are a mistake. */
function readHealthCheck(files: SourceFiles): HealthCheck | undefined {
  const intervalMs = files.number("check-interval");
  const timeoutMs = files.number("check-timeout");
  const failures = files.number("check-failures");
  if (!files.exists("check")) {
    const orphan = ["check-interval", "check-timeout", "check-failures"].find((file) => files.exists(file));
    return orphan === undefined ? undefined : void files.fail(orphan, "there is no check file to run");
  }
  checkScript(files, "check");
  if (intervalMs === 0) files.fail("check-interval", "0 ms: at least 1");
  if (timeoutMs === 0) files.fail("check-timeout", "0 ms: at least 1");
  if (failures === 0) files.fail("check-failures", "0 failures would restart it before any check: at least 1");
  return {
    intervalMs: intervalMs || CHECK_DEFAULTS.intervalMs,
    timeoutMs: timeoutMs || CHECK_DEFAULTS.timeoutMs,
    failures: failures || CHECK_DEFAULTS.failures,
  };
}

/** A longrun's reload file: one word that names a signal is that signal, anything else a command line. */
function readReload(files: SourceFiles): Service["reload"] {
  const text = files.command("reload");
  if (text === undefined) return undefined;
  const signal = /^\S+$/.test(text) ? signalName(text) : undefined;
  if (signal === undefined) return text === "" ? void files.fail("reload", "empty: name a signal or a command") : { command: text };
  const why = unsendable(signal);
  return why ? void files.fail("reload", why) : { signal };
}

/**
 * A longrun's run (or finish) as s6-rc-compile takes it: a regular file it
 * can read, links followed. Its mode and its #! line are not looked at:
 * s6-rc-compile copies run and finish with mode 0755 whatever the source's,
 * and the interpreter need only exist where the service runs (where it does
 * not, the service fails at start, saying so). A finish that is not there,
 * or links to nothing, is no finish, as s6-supervise sees it.
 */
export function checkScript(files: SourceFiles, file: "run" | "finish" | "check"): void {
  const path = join(files.dir, file);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK); // a fifo is told, not waited on
  } catch (error) {
    if (!isMissing(error)) return files.fail(file, `cannot be read: ${errorText(error)}`);
    if (file === "finish") return;
    const link = linkTarget(path);
    return files.fail(file, link === undefined ? "missing: a longrun needs a run file" : `links to ${link}, which does not exist`);
  }
  try {
    if (!fstatSync(fd).isFile()) files.fail(file, "not a regular file");
  } finally {
    closeSync(fd);
  }
}

/** Where a symbolic link points, as written; undefined for anything else. */
export function linkTarget(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined; // not a link, or gone
  }
}

/** The entries of a folder, sorted, hidden ones too if asked; none when it does not exist. */
function listDir(dir: string, withHidden: boolean): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => withHidden || !name.startsWith("."))
      .sort();
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}
