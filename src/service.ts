// A service as the s6-rc source format defines it, once read and checked,
// and a mistake found in the sources.
import { SERVICEDIR_FILES } from "./s6/servicedir.ts";

export type ServiceType = "longrun" | "oneshot" | "bundle";

/** What reading the sources made: their services, the ones left out as broken, and what is wrong. */
export interface SourceSet {
  services: Map<string, Service>;
  /** Services whose sources were found but are broken, and left out. */
  broken: Set<string>;
  problems: Problem[];
}

/** Which way a change takes services. */
export type Direction = "up" | "down";

export interface Service {
  name: string;
  type: ServiceType;
  /** The source directory it was read from. */
  dir: string;
  /** Bundles: the names they contain (services or bundles). */
  contents: string[];
  /** Atomic services: what must be up before this one starts. */
  dependencies: string[];
  /** For each name in contents or dependencies, the file that names it as written (contents, contents.d/NAME...). */
  origins?: Record<string, string>;
  /** Milliseconds; 0 waits forever. */
  timeoutUp: number;
  timeoutDown: number;
  essential: boolean;
  /** Oneshots: command lines, lexed like execlineb. */
  up?: string;
  down?: string;
  /** Longruns and oneshots: a `nice` file, -20 to 19: their processes run that much nicer than what starts them (0 at boot and under s6-supervise), as nice(1) runs a command. */
  nice?: number;
  /** Longruns: the fd on which the daemon says it is ready (for an sd-notify one, the bridge's). */
  notificationFd?: number;
  /** Longruns: an `sd-notify` file: the daemon says it is ready the systemd way, READY=1 to $NOTIFY_SOCKET, which a bridge turns into s6's notification. */
  sdNotify?: boolean;
  /** Longruns: pipeline links (s6-rc producer-for / consumer-for). */
  producerFor?: string;
  consumerFor: string[];
  pipelineName?: string;
  /** Longruns: a `no-log` file: no logger is made for it, its output goes to the catch-all log. */
  noLog?: boolean;
  /** Longruns without readiness: how long the daemon must stay up to count as up (a `stay-up` file, else STAY_UP_MS; 0 for the loggers goetia makes). */
  stayUpMs?: number;
  /** Longruns: goetia's restart policy, where the source sets one (compile/restart-policy.ts). */
  restartPolicy?: RestartPolicy;
  /** What its failure at boot does (a `failure-action` file; failureActionOf says the default): open the console's emergency shell, or nothing more than being told. */
  failureAction?: FailureAction;
  /** The systemd units it stands for (a `systemd-units` file): a unit that names one of them names this service (systemd/). */
  systemdUnits?: string[];
  /** Longruns: a `stop` file, a command line run (with the daemon's pid in MAINPID) before the daemon is sent its down-signal. */
  stop?: string;
  /** Longruns: a `check` file, run while the daemon is up (health-check.ts). */
  check?: HealthCheck;
  /** Longruns: a `reload` file: the signal that has the daemon read its configuration again (SIGHUP without one), or a command line that does it. */
  reload?: { signal: string } | { command: string };
  /**
   * Longruns that are not an s6-rc source: a supervision-scripts definition
   * (or its log/), run in place, where its relative links resolve, with the
   * system-wide envdir its template loads (a log/ also told the tree's log
   * folder, as GOETIA_LOGDIR); or the logger goetia makes for a
   * longrun, writing into a log folder; or a systemd unit's service.
   */
  made?:
    | { from: "definition"; sharedEnv: string; logRoot?: string }
    | { from: "logger"; logDir: string }
    /** A systemd unit (systemd/), read from sources (its files, its drop-ins, its sockets'); a daemon's run and finish scripts made from it, and the other files of its service directory. */
    | { from: "unit"; unit: string; sources: string[]; daemon?: { run: string; finish: string; files: Record<string, string> } };
  /** Longruns: an instance of a template (compile/templates.ts) is told its argument, INSTANCE in its run script's environment. */
  instance?: string;
  /** A producer whose consumer is a logger: its stderr goes down the pipe too. */
  stderrToo?: boolean;
}

/** A service with the source format's defaults (nothing it contains or needs, no time limits, not essential, in no pipeline), and what more says. */
export function newService(name: string, type: ServiceType, dir: string, more: Partial<Service> = {}): Service {
  return { name, type, dir, contents: [], dependencies: [], timeoutUp: 0, timeoutDown: 0, essential: false, consumerFor: [], ...more };
}

export const FAILURE_ACTIONS = ["emergency", "none"] as const;
export type FailureAction = (typeof FAILURE_ACTIONS)[number];

/**
 * Whether a service that fails at boot (or is skipped for a failure) takes
 * the console for the emergency shell: as its failure-action file says,
 * else yes for goetia's own sources and no for a systemd unit's service,
 * which systemd sends to its emergency target only when it asks
 * (OnFailure=emergency.target; systemd/convert.ts).
 */
export function failureActionOf(service: Service): FailureAction {
  return service.failureAction ?? (service.made?.from === "unit" ? "none" : "emergency");
}

/** In a longrun's live service directory: why its conditions kept the daemon from starting (its run script writes it: a unit's, the Debian set's ssh; status reads it). */
export const CONDITION_FILE = "condition-unmet";

/** How long a daemon without readiness must stay up to count as up, unless its source says (stay-up). */
export const STAY_UP_MS = 100;

/** A longrun's restart policy (restart-policy.ts makes it a finish script). */
export interface RestartPolicy {
  /** Deaths allowed within intervalMs; one more gives up. */
  limit: number;
  intervalMs: number;
  /** The wait before the second restart within the interval, doubled for each one after. */
  delayMs: number;
  /** On giving up: "poweroff", "reboot", or a service to start. */
  giveUp?: string;
}

/** A longrun's health check (health-check.ts makes it a loop beside the daemon). */
export interface HealthCheck {
  intervalMs: number;
  /** Checks failed in a row that restart the daemon. */
  failures: number;
  timeoutMs: number;
}

/** Every file of a service's source that goetia reads: anything else in its folder is none of goetia's business, whatever it is. */
export const SOURCE_FILES = new Set([
  ...SERVICEDIR_FILES,
  "type",
  "contents",
  "contents.d",
  "dependencies",
  "dependencies.d",
  "up",
  "down",
  "timeout-up",
  "timeout-down",
  "producer-for",
  "consumer-for",
  "pipeline-name",
  "flag-essential",
  "failure-action",
  "no-log",
  "sd-notify",
  "reload",
  "stop",
  "stay-up",
  "restart-limit-count",
  "restart-limit-interval",
  "restart-delay",
  "give-up",
  "check",
  "check-interval",
  "check-timeout",
  "check-failures",
  "systemd-units",
]);

/** A longrun's logger: the service a definition's log/ becomes, and the name goetia gives every logger it makes. */
export const loggerName = (name: string) => `${name}-log`;

/** A mistake in the sources: always told as "service NAME: FILE: message". */
export interface Problem {
  service: string;
  file: string;
  message: string;
}

export function describeProblem({ service, file, message }: Problem): string {
  return `service ${service}: ${file}: ${message}`;
}
