// A systemd service unit made a goetia service: Type= chooses what it is
// (simple, exec, notify and forking a longrun, notify behind the readiness
// bridge, forking under its keeper; oneshot a oneshot), the Exec*= lines and what surrounds them (the
// environment, the user, the directories, the limits) become the sh of its
// run script or its up and down, and the rest becomes goetia's own files:
// Restart= and the start limits the restart policy, KillSignal= and
// TimeoutStopSec= s6's down-signal and timeout-kill, the socket units that
// start it the sockets it is given (sockets.ts). Every key goetia does
// not do is told, with its file and line: run without it, or the unit left
// out, with the reason.
import { environmentFileLines } from "../helpers/env-file.ts";
import { keptForking } from "../helpers/forking.ts";
import { behindSdNotify, SD_NOTIFY_FD } from "../helpers/sd-notify.ts";
import { withSockets } from "../helpers/sockets.ts";
import { shellQuote } from "../lib/sh.ts";
import { parseNice } from "../s6/run-script.ts";
import { LINUX_SIGNALS, signalName } from "../s6/signals.ts";
import { CONDITION_FILE, newService, STAY_UP_MS, type RestartPolicy, type Service } from "../service.ts";
import { parseCommandLines, splitWords, toShell, type Command } from "./command-line.ts";
import { conditionLines, notAllHold } from "./conditions.ts";
import { socketLines } from "./sockets.ts";
import { serviceName, SYSTEM_DIRS } from "./specifiers.ts";
import type { Unit } from "./unit.ts";

/** What a unit became: a service, or the reason it was left out; and every key not done. */
export interface Conversion {
  unit: string;
  file: string;
  service?: Service;
  leftOut?: string;
  /** Keys goetia read past, each once: "KEY= (file:line): why". */
  ignored: string[];
  /** The socket units whose sockets it is given. */
  sockets?: string[];
}

/** Where the unit's names lead: a unit it names (ssh.service, network-online.target) as the goetia service that stands for it, if any. */
export type Resolve = (unit: string) => string[];

/** Sandboxing and resource control: systemd's namespaces, cgroups and seccomp, which goetia does not have; the daemon runs without them. */
const SANDBOXING = /^(Private|Protect|Restrict|ReadWrite|ReadOnly|Inaccessible|Exec(Paths|Search)|NoExec|Temporary|Bind|Lock|Memory|CPU|IO|Tasks|Device|IP|SystemCall|Capability|AmbientCapabilities|NoNewPrivileges|RemoveIPC|KeyringMode|ProcSubset|Mount|Root|SecureBits|Delegate|Slice|ManagedOOM|Namespace|Personality|CoredumpFilter|LoadCredential|SetCredential)/;

/** Keys read as information only: they change nothing goetia does. */
const INFORMATION = new Set(["Unit.Description", "Unit.Documentation", "Install.WantedBy", "Install.RequiredBy", "Install.Alias", "Install.Also", "Install.DefaultInstance", "Service.SyslogIdentifier", "Service.SyslogFacility", "Service.SyslogLevel", "Service.NotifyAccess", "Service.GuessMainPID", "Service.PIDFile", "Unit.PartOf", "Unit.ReloadPropagatedFrom", "Unit.PropagatesReloadTo", "Unit.IgnoreOnIsolate", "Unit.AllowIsolate", "Unit.StopWhenUnneeded", "Unit.RefuseManualStart", "Unit.RefuseManualStop", "Unit.JoinsNamespaceOf", "Unit.SourcePath"]);

/** ulimit's letter for each Limit*= key that sh can set. */
const LIMITS: Record<string, string> = { LimitNOFILE: "n", LimitCORE: "c", LimitDATA: "d", LimitFSIZE: "f", LimitMEMLOCK: "l", LimitNPROC: "p", LimitSTACK: "s", LimitCPU: "t", LimitAS: "v", LimitRSS: "m" };

/** The directories a service may ask for, where they go, and the mode key with its default. */
const DIRECTORIES = [
  { key: "RuntimeDirectory", root: SYSTEM_DIRS.runtime },
  { key: "StateDirectory", root: SYSTEM_DIRS.state },
  { key: "CacheDirectory", root: SYSTEM_DIRS.cache },
  { key: "LogsDirectory", root: SYSTEM_DIRS.logs },
  { key: "ConfigurationDirectory", root: SYSTEM_DIRS.config },
] as const;

/** Where the run script leaves the daemon's pid (its process group's too): the finish ends what is left of the group. */
const MAIN_PID_FILE = "main-pid";

/** Where StandardOutput= and StandardError= may send lines that goetia sends to the catch-all log just as well. */
const LOGGED_OUTPUT = /^(journal|syslog|kmsg|inherit|null)(\+console)?$/;

/** systemd's exits that count as success whatever Restart= says of failures: 0, and death by these signals. */
const CLEAN_SIGNALS = ["1", "2", "13", "15"];

/** Converts unit (read from file), given sockets, the socket units that start it. */
export function convertService(unit: Unit, file: string, resolve: Resolve, sockets: Unit[] = []): Conversion {
  const name = serviceName(unit.name.full);
  const conversion: Conversion = { unit: unit.name.full, file, ignored: [], ...(sockets.length > 0 ? { sockets: sockets.map((socket) => socket.name.full) } : {}) };
  const leaveOut = (why: string) => ({ ...withIgnored([unit, ...sockets], conversion, { unusedToo: false }), leftOut: why });
  if (!unit.has("Service", "ExecStart") && unit.value("Service", "Type") !== "oneshot") return leaveOut("no ExecStart=: nothing to run");
  const type = unit.value("Service", "Type") ?? (unit.has("Service", "ExecStart") ? "simple" : "oneshot");
  if (!["simple", "exec", "notify", "notify-reload", "forking", "oneshot", "idle"].includes(type)) return leaveOut(`Type=${type}: not a kind goetia runs (simple, exec, notify, forking, oneshot)`);

  const commands = (key: string): Command[] => {
    const all: Command[] = [];
    for (const at of unit.assigned("Service", key)) {
      const read = parseCommandLines(at.value, (word) => unit.expandIn(at, word));
      if (typeof read === "string") unit.warnings.push({ file: at.file, line: at.line, message: `${key}=: ${read}: ignored` });
      else all.push(...read);
    }
    return all;
  };
  const start = commands("ExecStart");
  if (start.length === 0) return leaveOut("ExecStart= holds no command goetia can read");
  if (type !== "oneshot" && start.length > 1) return leaveOut(`Type=${type} with ${start.length} ExecStart= commands: only a oneshot runs several`);
  if (isSystemdsOwn(unit, start)) return leaveOut("part of systemd, which it needs as PID 1");
  if (unit.boolean("Service", "DynamicUser") === true) return leaveOut("DynamicUser=yes: goetia makes no transient users, and will not run as root a daemon meant to run as nobody's");
  if (sockets.length > 0 && type === "oneshot") return leaveOut(`a oneshot started by ${sockets[0].name.full}: goetia passes sockets to daemons only`);
  const listening = socketLines(sockets);
  if ("leftOut" in listening) return leaveOut(listening.leftOut);

  const sources = [unit, ...sockets].flatMap((read) => read.files);
  const service = newService(name, type === "oneshot" ? "oneshot" : "longrun", file.slice(0, file.lastIndexOf("/")), {
    dependencies: dependencies(unit, resolve, name),
    made: { from: "unit", unit: unit.name.full, sources },
    timeoutUp: timeoutMs(unit, "TimeoutStartSec"),
    noLog: true, // its output goes where the catch-all log is, as systemd's goes to the journal
  });
  // systemd takes the console for its emergency target where a unit asks (local-fs.target's own OnFailure=); any other failure is told.
  if (unit.list("Unit", "OnFailure").some(({ value }) => value === "emergency.target" || value === "rescue.target")) service.failureAction = "emergency";
  const environment = environmentLines(unit);
  const privileges = userLines(unit);
  const prelude = ["set -f", ...signalLines(unit), ...environment, ...umaskLines(unit), ...limitLines(unit), ...oomLines(unit), ...schedulingLines(unit), ...directoryLines(unit), ...workingDirectory(unit)];
  outputs(unit);
  const run = (command: Command) => `${command.privileged ? "" : privileges.drop}${toShell(command)}`;
  const sequence = (list: Command[]) => list.map((command) => (command.ignoreFailure ? `${run(command)} || :` : `${run(command)} || exit $?`));
  /** Lines that run outside the run script (reload, stop, the finish): the user and the environment first. */
  const asTheDaemon = (lines: string[]) => [...privileges.prelude, ...environment, ...lines];

  if (service.type === "oneshot") {
    const up = [...sequence(commands("ExecStartPre")), ...sequence(start), ...sequence(commands("ExecStartPost"))];
    const down = [...sequence(commands("ExecStop")), ...sequence(commands("ExecStopPost"))];
    unit.markUsed("Service", "RemainAfterExit"); // a oneshot stays up once it has run, as s6-rc has it
    const skip = (why: string) => [`echo ${shellQuote(`${notAllHold(name, why)}: skipped`)}`, "exit 0"];
    service.up = shellCommand([...conditionLines(unit, name, skip), ...privileges.prelude, ...prelude, ...up]);
    if (down.length > 0) service.down = shellCommand([...privileges.prelude, ...prelude, ...down]);
    return withIgnored([unit], { ...conversion, service });
  }

  // Readiness: a notify daemon says so, a forking one is ready once its launcher has exited; any other must stay up.
  const notify = type === "notify" || type === "notify-reload";
  if (notify) service.sdNotify = true;
  if (notify || type === "forking") service.notificationFd = SD_NOTIFY_FD;
  else service.stayUpMs = STAY_UP_MS;
  const daemon = sockets.length > 0 ? withSockets(listening.args, run(start[0])) : run(start[0]);
  const main = notify ? behindSdNotify(daemon) : type === "forking" ? keptForking(unit.value("Service", "PIDFile") ?? "-", daemon) : daemon;
  const post = commands("ExecStartPost");
  // After the daemon is up (ready, for one that says so), as systemd runs them; detached, as a health check's loop is.
  const afterStart = post.length === 0 ? [] : [`( ( s6-svwait -${notify ? "U" : "u"} . && { ${sequence(post).join("; ")}; } ) </dev/null & )`];
  const reload = commands("ExecReload");
  if (reload.length > 0) service.reload = { command: shellCommand(asTheDaemon(sequence(reload))) };
  else if (type === "notify-reload") service.reload = { signal: "SIGHUP" };
  const stop = commands("ExecStop");
  if (stop.length > 0) service.stop = shellCommand(asTheDaemon(sequence(stop)));

  // A daemon whose conditions do not hold is not started: a process that waits stands in, ready, and status says why.
  const skip = (why: string) => [
    `echo ${shellQuote(why)} >${CONDITION_FILE}`,
    `echo ${shellQuote(`${notAllHold(name, why)}: not started`)} >&2`,
    ...(service.notificationFd === undefined ? [] : [`echo >&${service.notificationFd}`]),
    "exec sleep infinity",
  ];
  const conditions = conditionLines(unit, name, skip);
  const lines = [
    "#!/bin/sh",
    `# Generated by goetia from ${file}: Type=${type} (systemd/convert.ts).`,
    ...conditions,
    ...(conditions.length > 0 ? [`rm -f ${CONDITION_FILE}`] : []),
    ...(killsGroup(unit) ? [`echo $$ >${MAIN_PID_FILE}`] : []),
    ...privileges.prelude,
    ...prelude,
    ...sequence(commands("ExecStartPre")),
    ...listening.lines,
    ...afterStart,
    `exec ${main}`,
  ];
  service.restartPolicy = restartPolicy(unit);
  const files: Record<string, string> = { ...(service.notificationFd === undefined ? {} : { "notification-fd": `${service.notificationFd}\n` }), "timeout-kill": `${timeoutMs(unit, "TimeoutStopSec")}\n` };
  const killSignal = unit.value("Service", "KillSignal");
  if (killSignal !== undefined) {
    const signal = signalName(killSignal);
    if (signal === undefined) unit.warn("Service", "KillSignal", `"${killSignal}" is not a signal: SIGTERM instead`);
    else files["down-signal"] = `SIG${signal}\n`;
  }
  // ExecStopPost= after every death, as systemd runs it whenever the service ends.
  const stopPost = commands("ExecStopPost").map((command) => `${run(command)} || :`);
  const afterDeath = stopPost.length === 0 ? [] : asTheDaemon(stopPost);
  service.made = { from: "unit", unit: unit.name.full, sources, daemon: { run: `${lines.join("\n")}\n`, finish: finishScript(unit, afterDeath), files } };
  return withIgnored([unit, ...sockets], { ...conversion, service });
}

/** systemd's own services (systemd-*, or a program of its: one in /lib/systemd, systemctl, journalctl) do its work, with systemd as PID 1. */
function isSystemdsOwn(unit: Unit, start: Command[]): boolean {
  return unit.name.prefix.startsWith("systemd-") || start.some(({ argv: [program] }) => /(^|\/)lib\/systemd\/|(^|\/)(systemctl|journalctl)$/.test(program));
}

/** Records what the units (the service's, its sockets') warned of and (for a unit made a service) what no reader took, as the conversion's ignored keys. */
function withIgnored(units: Unit[], conversion: Conversion, { unusedToo = true } = {}): Conversion {
  const ignored = conversion.ignored;
  for (const unit of units) {
    const sections = unit.name.full.endsWith(".socket") ? ["Socket", "Unit", "Install"] : ["Service", "Unit", "Install"];
    for (const warning of unit.warnings) ignored.push(`${warning.file}:${warning.line}: ${warning.message}`);
    for (const at of unusedToo ? unit.unused() : []) {
      const id = `${at.section}.${at.key}`;
      if (INFORMATION.has(id) || at.section.startsWith("X-")) continue;
      const why = SANDBOXING.test(at.key)
        ? "sandboxing and resource control need systemd's namespaces, cgroups and seccomp: the daemon runs without"
        : sections.includes(at.section)
          ? "not something goetia does: ignored"
          : `[${at.section}] is no section of a ${sections[0].toLowerCase()} unit: ignored`;
      ignored.push(`${at.file}:${at.line}: ${at.key}=: ${why}`);
    }
  }
  return conversion;
}

/** Requires=, Wants=, BindsTo= and After= onto goetia's dependencies: what must be up first. Before= is the other unit's to say. */
function dependencies(unit: Unit, resolve: Resolve, self: string): string[] {
  const named = ["Requires", "Requisite", "Wants", "BindsTo", "After"].flatMap((key) => unit.list("Unit", key).map(({ value }) => value));
  if (unit.list("Unit", "RequiresMountsFor").length > 0) named.push("local-fs.target"); // goetia mounts them all at once
  if (unit.boolean("Unit", "DefaultDependencies") !== false) named.push("sysinit.target", "basic.target");
  unit.markUsed("Unit", "Before");
  unit.markUsed("Unit", "Conflicts"); // shutdown.target, mostly: goetia's way down stops everything
  const deps = new Set(named.flatMap((name) => resolve(name)));
  deps.delete(self);
  return [...deps].sort();
}

/** KillMode=: control-group (the default) and mixed end what the daemon left running once it is dead; process leaves it. */
function killsGroup(unit: Unit): boolean {
  const mode = unit.value("Service", "KillMode") ?? "control-group";
  if (!["control-group", "mixed", "process", "none"].includes(mode)) unit.warn("Service", "KillMode", `"${mode}" is not a KillMode=: as control-group`);
  return mode !== "process" && mode !== "none";
}

/** IgnoreSIGPIPE= (yes by default): an ignored signal stays ignored through exec. */
function signalLines(unit: Unit): string[] {
  return unit.boolean("Service", "IgnoreSIGPIPE") === false ? [] : ["trap '' PIPE"];
}

function oomLines(unit: Unit): string[] {
  const adjust = unit.value("Service", "OOMScoreAdjust");
  if (adjust === undefined) return [];
  if (/^-?\d+$/.test(adjust) && Math.abs(Number(adjust)) <= 1000) return [`echo ${adjust} >/proc/self/oom_score_adj`];
  unit.warn("Service", "OOMScoreAdjust", `"${adjust}" is not between -1000 and 1000: ignored`);
  return [];
}

/** CPUSchedulingPolicy= as chrt names it; the real-time ones take a priority, 1 to 99. */
const CPU_POLICIES: Record<string, string> = { other: "--other", batch: "--batch", idle: "--idle", fifo: "--fifo", rr: "--rr" };

/** IOSchedulingClass= as ionice's class number (none: the kernel's choice); realtime and best-effort take a priority, 0 to 7 (4 unless set). */
const IO_CLASSES: Record<string, number> = { none: 0, realtime: 1, "best-effort": 2, idle: 3 };

/**
 * Nice=, CPUSchedulingPolicy= and IOSchedulingClass= with their kin: set on
 * the script's own shell, so that every command it runs, the daemon among
 * them, has them, as systemd sets them on each.
 */
function schedulingLines(unit: Unit): string[] {
  return [...niceLines(unit), ...cpuSchedulingLines(unit), ...ioSchedulingLines(unit)];
}

/** Nice=; renice's --priority is absolute in every util-linux (its -n became relative in 2.39). */
function niceLines(unit: Unit): string[] {
  const nice = unit.value("Service", "Nice");
  if (nice === undefined) return [];
  const niceness = parseNice(nice);
  if (niceness !== undefined) return [`renice --priority ${niceness} -p $$ >/dev/null || exit 111`];
  unit.warn("Service", "Nice", `"${nice}" is not between -20 and 19: ignored`);
  return [];
}

/** CPUSchedulingPolicy=, CPUSchedulingPriority= (1 to 99, for fifo and rr only) and CPUSchedulingResetOnFork=, through chrt. */
function cpuSchedulingLines(unit: Unit): string[] {
  const policy = unit.value("Service", "CPUSchedulingPolicy") ?? "other";
  const priority = unit.value("Service", "CPUSchedulingPriority");
  const resetOnFork = unit.boolean("Service", "CPUSchedulingResetOnFork") === true;
  if (!unit.has("Service", "CPUSchedulingPolicy") && priority === undefined && !resetOnFork) return [];
  if (!(policy in CPU_POLICIES)) {
    unit.warn("Service", "CPUSchedulingPolicy", `"${policy}" is not a policy (other, batch, idle, fifo, rr): ignored`);
    return [];
  }
  const realTime = policy === "fifo" || policy === "rr";
  let level = realTime ? 1 : 0;
  if (priority !== undefined && !/^\d+$/.test(priority)) unit.warn("Service", "CPUSchedulingPriority", `"${priority}" is not a number: ignored`);
  else if (priority !== undefined && realTime) level = Math.max(1, Math.min(99, Number(priority)));
  return [`chrt ${CPU_POLICIES[policy]}${resetOnFork ? " --reset-on-fork" : ""} -p ${level} $$ >/dev/null || exit 111`];
}

/** IOSchedulingClass= (a name or its number) and IOSchedulingPriority= (0 to 7; alone, for best-effort), through ionice. */
function ioSchedulingLines(unit: Unit): string[] {
  const name = unit.value("Service", "IOSchedulingClass");
  const priority = unit.value("Service", "IOSchedulingPriority");
  if (name === undefined && priority === undefined) return [];
  const ioClass = name === undefined ? IO_CLASSES["best-effort"] : (IO_CLASSES[name] ?? (/^[0-3]$/.test(name) ? Number(name) : undefined));
  if (ioClass === undefined) {
    unit.warn("Service", "IOSchedulingClass", `"${name}" is not a class (none, realtime, best-effort, idle): ignored`);
    return [];
  }
  let level = 4;
  if (priority !== undefined && /^[0-7]$/.test(priority)) level = Number(priority);
  else if (priority !== undefined) unit.warn("Service", "IOSchedulingPriority", `"${priority}" is not between 0 and 7: 4 instead`);
  const takesLevel = ioClass === IO_CLASSES.realtime || ioClass === IO_CLASSES["best-effort"];
  return [`ionice -c ${ioClass}${takesLevel ? ` -n ${level}` : ""} -p $$ || exit 111`];
}

/** StandardOutput= and StandardError=: the journal, syslog and the rest are the catch-all log here; anything else is told. */
function outputs(unit: Unit): void {
  for (const key of ["StandardOutput", "StandardError"]) {
    const value = unit.value("Service", key);
    if (value !== undefined && !LOGGED_OUTPUT.test(value)) unit.warn("Service", key, `"${value}": not done; the output goes to the catch-all log`);
  }
}

/** Environment= and EnvironmentFile= (the files over the assignments, as systemd has it; a - file may be missing). */
function environmentLines(unit: Unit): string[] {
  const lines: string[] = [];
  for (const { value, at } of unit.list("Service", "Environment", { whole: true })) {
    const words = splitWords(value);
    if (typeof words === "string") {
      unit.warnings.push({ file: at.file, line: at.line, message: `Environment=: ${words}: ignored` });
      continue;
    }
    for (const word of words) {
      const equals = word.indexOf("=");
      if (equals <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(word.slice(0, equals))) unit.warnings.push({ file: at.file, line: at.line, message: `Environment=: "${word}" is no NAME=VALUE: ignored` });
      else lines.push(`export ${word.slice(0, equals)}=${shellQuote(word.slice(equals + 1))}`);
    }
  }
  // Read as systemd reads it, by the helper env-file, which prints it as quoted sh: never sourced, which ran its $(...) as root.
  for (const { value } of unit.list("Service", "EnvironmentFile", { whole: true })) lines.push(...environmentFileLines(value));
  return lines;
}

/** User=, Group= and SupplementaryGroups=: the prefix that drops to them (setpriv, util-linux's), and what it needs set first. */
function userLines(unit: Unit): { prelude: string[]; drop: string } {
  const user = unit.value("Service", "User") || undefined; // empty: reset to root, as systemd has it
  const group = unit.value("Service", "Group") || undefined;
  const extra = unit.list("Service", "SupplementaryGroups").map(({ value }) => value);
  if (user === undefined && group === undefined && extra.length === 0) return { prelude: [], drop: "" };
  const prelude = [`user=${shellQuote(user ?? "root")}`, group === undefined ? 'group=$(id -gn "$user") || exit 111' : `group=${shellQuote(group)}`];
  // A user's own groups where User= names one, as systemd's initgroups(); Group= alone is root with that group and no other.
  const own = user === undefined ? [] : ['$(id -G "$user" | tr \' \' ,)'];
  const groups = extra.length === 0 ? (user === undefined ? "--clear-groups" : "--init-groups") : `--groups="${[...own, ...extra].join(",")}"`;
  return { prelude, drop: `setpriv --reuid="$user" --regid="$group" ${groups} -- ` };
}

function umaskLines(unit: Unit): string[] {
  const umask = unit.value("Service", "UMask");
  if (umask === undefined) return [];
  if (/^[0-7]{1,4}$/.test(umask)) return [`umask ${umask}`];
  unit.warn("Service", "UMask", `"${umask}" is not an octal mask: ignored`);
  return [];
}

/** Limit*= as sh's ulimit (soft:hard, or one value for both; infinity is unlimited). */
function limitLines(unit: Unit): string[] {
  const lines: string[] = [];
  for (const [key, letter] of Object.entries(LIMITS)) {
    const value = unit.value("Service", key);
    if (value === undefined) continue;
    const [soft, hard = soft] = value.split(":").map((v) => (v === "infinity" ? "unlimited" : v));
    if (![soft, hard].every((v) => /^(\d+|unlimited)$/.test(v))) {
      unit.warn("Service", key, `"${value}" is not a number (units such as K or M are not read): ignored`);
      continue;
    }
    lines.push(`ulimit -H${letter} ${hard} && ulimit -S${letter} ${soft} || exit 111`);
  }
  return lines;
}

/** RuntimeDirectory= and its kin: made before the daemon starts, the service's user's, with their *DirectoryMode= (0755). */
function directoryLines(unit: Unit): string[] {
  const owner = unit.value("Service", "User") || unit.value("Service", "Group") ? `"$user:$group"` : "";
  const lines: string[] = [];
  for (const { key, root } of DIRECTORIES) {
    const names = unit.list("Service", key).map(({ value }) => value);
    if (names.length === 0) continue;
    const mode = unit.value("Service", `${key}Mode`) ?? "0755";
    for (const name of names) {
      const path = shellQuote(`${root}/${name}`);
      // The configuration is the administrator's: made if missing, never changed.
      if (key === "ConfigurationDirectory") lines.push(`[ -d ${path} ] || mkdir -p -m ${mode} ${path} || exit 111`);
      // The daemon's, all of it, where it is not yet (as systemd chowns it); links never followed: the daemon's user may have made them.
      else lines.push(`mkdir -p ${path}${owner ? ` && { [ "$(stat -c %U:%G ${path})" = ${owner} ] || chown -hR ${owner} ${path}; }` : ""} && chmod ${mode} ${path} || exit 111`);
    }
  }
  unit.markUsed("Service", "RuntimeDirectoryPreserve"); // kept: made anew at each start, and /run goes at the end of the boot
  return lines;
}

function workingDirectory(unit: Unit): string[] {
  const dir = unit.value("Service", "WorkingDirectory");
  if (dir === undefined) return ["cd / || exit 111"];
  const optional = dir.startsWith("-");
  const path = optional ? dir.slice(1) : dir;
  const target = path === "~" ? '"$(getent passwd "${user:-root}" | cut -d: -f6)"' : shellQuote(path);
  return [optional ? `cd ${target} 2>/dev/null || cd /` : `cd ${target} || exit 111`];
}

/** Restart= and the start limits as goetia's restart policy; undefined for Restart=no, whose finish stops it for good. */
function restartPolicy(unit: Unit): RestartPolicy | undefined {
  const restart = unit.value("Service", "Restart") ?? "no";
  const burst = Number(unit.value("Unit", "StartLimitBurst") ?? unit.value("Service", "StartLimitBurst") ?? 5);
  const intervalMs = unit.timeMs("Unit", "StartLimitIntervalSec") ?? unit.timeMs("Service", "StartLimitInterval") ?? 10_000;
  const delayMs = unit.timeMs("Service", "RestartSec") ?? 100;
  unit.markUsed("Unit", "StartLimitAction");
  if (restart === "no") return undefined;
  if (!Number.isInteger(burst) || burst < 1 || intervalMs === 0 || !Number.isFinite(intervalMs)) return undefined; // no limit: s6 restarts it for ever
  return { limit: burst, intervalMs, delayMs: Math.max(1, Math.min(delayMs, 60_000)) };
}

/**
 * The unit's own finish: what the daemon left is ended, afterDeath (its
 * ExecStopPost=) runs, and Restart= says whether it wants the daemon back
 * after this death (exit 125 tells s6-supervise not to restart it). Its arguments are
 * s6's: the exit code, or 256 and the signal.
 */
function finishScript(unit: Unit, afterDeath: string[]): string {
  const restart = unit.value("Service", "Restart") ?? "no";
  const clean = `{ [ "$1" = 0 ] || { [ "$1" = 256 ] && case $2 in ${CLEAN_SIGNALS.join("|")}) true ;; *) false ;; esac; }; }`;
  const decision: Record<string, string> = {
    no: "exit 125",
    always: "exit 0",
    "on-success": `${clean} || exit 125`,
    "on-failure": `${clean} && exit 125`,
    "on-abnormal": `[ "$1" = 256 ] && ! ${clean} || exit 125`,
    "on-abort": `[ "$1" = 256 ] && ! ${clean} || exit 125`,
    "on-watchdog": "exit 125",
  };
  if (!(restart in decision)) unit.warn("Service", "Restart", `"${restart}" is not a Restart= value: as no`);
  unit.markUsed("Service", "SuccessExitStatus");
  const leftovers = killsGroup(unit) ? [`[ ! -r ${MAIN_PID_FILE} ] || kill -KILL -- "-$(cat ${MAIN_PID_FILE})" 2>/dev/null`] : [];
  return ["#!/bin/sh", `# Generated by goetia: KillMode=, ExecStopPost= and Restart=${restart}.`, ...leftovers, ...afterDeath, ...preventedRestart(unit), decision[restart] ?? decision.no, "exit 0", ""].join("\n");
}

/** RestartPreventExitStatus=: exit codes and signals after which the daemon is not restarted, whatever Restart= says. */
function preventedRestart(unit: Unit): string[] {
  const codes: string[] = [];
  const signals: string[] = [];
  for (const { value } of unit.list("Service", "RestartPreventExitStatus")) {
    const signal = /^\d+$/.test(value) ? undefined : signalName(value);
    if (/^\d+$/.test(value) && Number(value) <= 255) codes.push(value);
    else if (signal !== undefined) signals.push(String(LINUX_SIGNALS.indexOf(signal) + 1));
    else unit.warn("Service", "RestartPreventExitStatus", `"${value}" is neither an exit code nor a signal: ignored`);
  }
  return [
    ...(codes.length > 0 ? [`case $1 in ${codes.join("|")}) exit 125 ;; esac`] : []),
    ...(signals.length > 0 ? [`[ "$1" != 256 ] || case $2 in ${signals.join("|")}) exit 125 ;; esac`] : []),
  ];
}

/** TimeoutStartSec= or TimeoutStopSec= (TimeoutSec= sets both), ms: 90 s unless set, as systemd's default; 0 (wait for ever) for infinity. */
function timeoutMs(unit: Unit, key: "TimeoutStartSec" | "TimeoutStopSec"): number {
  const ms = unit.timeMs("Service", key) ?? unit.timeMs("Service", "TimeoutSec") ?? 90_000;
  return Number.isFinite(ms) ? ms : 0;
}

/** A sh script as a oneshot's command line (execlineb's lexing: one double-quoted word for sh -c). */
function shellCommand(lines: string[]): string {
  const script = lines.join("\n");
  return `/bin/sh -c "${script.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
