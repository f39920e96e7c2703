// The one place where a service becomes the service directory s6-supervise
// runs. A source directory's s6 files are copied; a supervision-scripts
// definition is run in place (cd, then its own run), where its relative
// links to the templates resolve; a logger goetia makes is an s6-log line.
// Around each run goes goetia's plumbing where the service needs it: the
// pipeline's fifos, from a logger's input and to a logged daemon's output,
// a template instance's INSTANCE, its nice, and the loop of its health check.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { behindSdNotify, SD_NOTIFY_FD } from "../../helpers/sd-notify.ts";
import { shellQuote } from "../../lib/sh.ts";
import { nicePrefix, runScript, type Redirect } from "../../s6/run-script.ts";
import { copyServicedir, SUPERVISE_SCRIPTS } from "../../s6/servicedir.ts";
import { CHECK_LOOP_FILE, healthCheckLoop, startHealthCheck } from "../health-check.ts";
import { finishTimeoutMs, policyFinish } from "../restart-policy.ts";
import type { Service } from "../../service.ts";
import { pipePath } from "./pipeline.ts";

/** What a logger made by goetia keeps: the last 10 files of up to 1 MB, each line stamped TAI64N. */
const LOG_POLICY = "n10 s1000000 t";

/** Makes target the service directory of longrun service; pipesDir is where the tree keeps its pipes. */
export function makeServicedir(service: Service, target: string, pipesDir: string): void {
  const redirect: Redirect = {
    stdinFrom: service.consumerFor.length > 0 ? pipePath(pipesDir, service.name) : undefined,
    stdoutTo: service.producerFor !== undefined ? pipePath(pipesDir, service.producerFor) : undefined,
    stderrToo: service.stderrToo,
  };
  const made = service.made;
  if (made?.from === "logger") {
    const parent = shellQuote(dirname(made.logDir));
    const commands = [`[ -d ${parent} ] || mkdir -p ${parent}`, `s6-log -b -- ${LOG_POLICY} ${shellQuote(made.logDir)}`];
    mkdirSync(target, { recursive: true });
    return writeScript(target, "run", runScript(`the logger of ${service.consumerFor[0]}`, redirect, commands));
  }
  const check = service.check ? [startHealthCheck(service.notificationFd)] : [];
  if (made?.from === "unit" && made.daemon !== undefined) {
    const { run, finish, files } = made.daemon;
    mkdirSync(target, { recursive: true });
    writeScript(target, "run", run);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(target, file), text);
    if (!service.restartPolicy) return writeScript(target, "finish", finish);
    writeScript(target, "finish.unit", finish);
    return writePolicyFinish(service, target, ['./finish.unit "$@"']);
  }
  if (made?.from === "definition") {
    // Its data/ and env/ stay where its links point: the template reads them there, at each start.
    copyServicedir(service.dir, target, [...SUPERVISE_SCRIPTS, "data", "env"]);
    writeHealthCheck(service, target);
    const cd = `cd ${shellQuote(service.dir)} || exit 111`;
    const logRoot = made.logRoot === undefined ? [] : [`export GOETIA_LOGDIR=${shellQuote(made.logRoot)}`];
    writeScript(target, "run", runScript(`${service.dir}, run where it is`, redirect, [...logRoot, ...check, cd, niced(service, "./run")]));
    const ownFinish = existsSync(join(service.dir, "finish")) ? [cd, './finish "$@"'] : [];
    if (service.restartPolicy) return writePolicyFinish(service, target, ownFinish);
    if (ownFinish.length > 0) writeScript(target, "finish", runScript(`${service.dir}/finish, run where it is`, {}, ownFinish));
    return;
  }
  copyServicedir(service.dir, target);
  writeHealthCheck(service, target);
  if (service.restartPolicy) {
    const ownFinish = existsSync(join(target, "finish")) ? ['./finish.user "$@"'] : [];
    if (ownFinish.length > 0) renameSync(join(target, "finish"), join(target, "finish.user"));
    writePolicyFinish(service, target, ownFinish);
  }
  if (service.sdNotify) writeFileSync(join(target, "notification-fd"), `${SD_NOTIFY_FD}\n`);
  const instance = service.instance === undefined ? [] : [`export INSTANCE=${shellQuote(service.instance)}`];
  if (redirect.stdinFrom === undefined && redirect.stdoutTo === undefined && instance.length === 0 && !service.sdNotify && !service.check && service.nice === undefined) return;
  // Its own run, renamed run.user, with stdin from its pipe and stdout into its consumer's, told its instance, nice, behind the sd_notify bridge, beside its check.
  renameSync(join(target, "run"), join(target, "run.user"));
  const run = niced(service, service.sdNotify ? behindSdNotify("./run.user") : "./run.user");
  writeScript(target, "run", runScript("plumbing around the service's own run script", redirect, [...instance, ...check, run]));
}

/** The restart policy's finish, around ownFinish; and the time s6-supervise gives it, unless the source says. */
function writePolicyFinish(service: Service, target: string, ownFinish: string[]): void {
  writeScript(target, "finish", policyFinish(service, service.restartPolicy!, ownFinish));
  if (!existsSync(join(target, "timeout-finish"))) writeFileSync(join(target, "timeout-finish"), `${finishTimeoutMs(service.restartPolicy!)}\n`);
}

/** The check, copied as s6-rc-compile copies run (0755, links followed), and the loop that runs it. */
function writeHealthCheck(service: Service, target: string): void {
  if (!service.check) return;
  writeScript(target, "check", readFileSync(join(service.dir, "check"), "utf8"));
  writeScript(target, CHECK_LOOP_FILE, healthCheckLoop(service, service.check));
}

/** command (a line of sh) run as nice as the service's nice file says. */
function niced(service: Service, command: string): string {
  return [...nicePrefix(service.nice), command].join(" ");
}

function writeScript(dir: string, name: string, text: string): void {
  writeFileSync(join(dir, name), text, { mode: 0o755 });
}
