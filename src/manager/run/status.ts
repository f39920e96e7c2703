// What `goetia status` shows: goetia's record of each service joined with
// what s6-supervise says right now, so a daemon that keeps dying shows it.
import { join } from "node:path";
import { readIfExists } from "../../lib/files.ts";
import { treePaths } from "../../lib/tree.ts";
import { GAVE_UP_FILE } from "../restart-policy.ts";
import { deathCount, readStatus } from "../../s6/status.ts";
import { resolveNames } from "../graph.ts";
import { CONDITION_FILE, type HealthCheck, type Service } from "../../service.ts";
import { CHECK_RESULT_FILE, describeCheckResult } from "../health-check.ts";
import type { Live } from "./live.ts";
import { isLockHeld } from "./lock.ts";
import { recordedExit } from "./oneshot.ts";
import { isTransitional, type ShownState } from "./state.ts";

export interface StatusRow {
  name: string;
  type: string;
  state: ShownState;
  since: string | null;
  pid: number | null;
  detail: string;
}

export function describeServices(live: Live, names: string[]): StatusRow[] {
  const selected = names.length > 0 ? [...resolveNames(live.graph, names)] : [...live.graph.atoms.keys()];
  // Asked once, and only if a record shows a transition.
  let changeUnderWay: boolean | undefined;
  const underWay = () => (changeUnderWay ??= isLockHeld(treePaths(live.tree).lock));
  const rows = new Map<string, StatusRow>();
  const rowOf = (name: string) => rows.get(name) ?? rows.set(name, describeOne(live, name, underWay)).get(name)!;
  return selected.sort().map((name) => {
    const row = { ...rowOf(name) };
    // A daemon given up on (or any dependency failed) under one still up: the one up is told.
    const failed = row.state === "up" ? (live.graph.dependencies.get(name) ?? []).filter((dependency) => rowOf(dependency).state === "failed") : [];
    if (failed.length > 0) row.detail = [row.detail, `its ${failed.length === 1 ? "dependency" : "dependencies"} ${failed.join(", ")} failed`].filter(Boolean).join("; ");
    return row;
  });
}

/** One service's row, goetia's record joined with s6's word. */
function describeOne(live: Live, name: string, underWay: () => boolean): StatusRow {
  const service = live.graph.atoms.get(name)!;
  const record = live.states.get(name);
  const row: StatusRow = {
    name,
    type: service.type,
    state: record.phase,
    since: record.since ? new Date(record.since).toISOString() : null,
    pid: null,
    detail: record.reason ?? (record.durationMs !== undefined ? `${record.phase} in ${record.durationMs} ms` : ""),
  };
  if (isTransitional(record.phase) && !underWay()) {
    row.state = "interrupted";
    row.detail = `goetia was stopped while it was ${record.phase} it${scriptSince(live, service)}; the next change settles it`;
  }
  const s6 = service.type === "longrun" ? readStatus(live.servicedir(name)) : undefined;
  if (s6?.pid) row.pid = s6.pid;
  const unmet = s6?.pid && record.phase === "up" ? readIfExists(join(live.servicedir(name), CONDITION_FILE))?.trim() : undefined;
  if (unmet) row.detail = `not started, its conditions do not all hold: ${unmet}`;
  if (s6?.pid && record.phase === "up" && service.check) {
    const said = lastCheck(live.servicedir(name), service.check);
    if (said) row.detail = row.detail ? `${row.detail}; ${said}` : said;
  }
  if (s6 && record.phase === "up" && s6.pid === 0) {
    const ended = !s6.wantUp; // endedLongrun's test, on the status read here
    row.state = ended ? "ended" : "restarting";
    row.since = new Date(s6.since).toISOString();
    const deaths = deathCount(live.servicedir(name));
    const how = `${s6.signal !== undefined ? `killed by signal ${s6.signal}` : `exited ${s6.exitCode}`}, ${deaths} ${deaths === 1 ? "death" : "deaths"} on record`;
    row.detail = `${how}${ended ? ", not to be restarted (goetia start brings it up again)" : ""}`;
    const gaveUp = ended ? readIfExists(join(live.servicedir(name), GAVE_UP_FILE))?.trim() : undefined;
    if (gaveUp) {
      row.state = "failed";
      row.detail = `${gaveUp} (goetia start brings it up again)`;
    }
  }
  return row;
}

/** The health check's last result, as status tells it, if one has run. */
function lastCheck(servicedir: string, check: HealthCheck): string | undefined {
  const result = readIfExists(join(servicedir, CHECK_RESULT_FILE));
  if (!result) return undefined;
  const uptimeMs = Math.round(Number(readIfExists("/proc/uptime")?.split(" ")[0]) * 1000); // the clock the loop stamps with
  return describeCheckResult(result, uptimeMs, check);
}

/** What became of an interrupted oneshot's script: the exit code its shell wrote, if it has ended. */
function scriptSince(live: Live, service: Service): string {
  if (service.type !== "oneshot") return "";
  const exit = recordedExit(live.states.exitFile(service.name));
  return exit === undefined ? "" : `, and its script has since exited ${exit}`;
}

export function formatTable(rows: StatusRow[]): string {
  const header = { name: "NAME", type: "TYPE", state: "STATE", since: "SINCE", pid: "PID", detail: "DETAIL" };
  const cells = rows.map((row) => ({
    ...row,
    since: row.since ? age(Date.parse(row.since)) : "-",
    pid: row.pid === null ? "-" : String(row.pid),
  }));
  const columns = ["name", "type", "state", "since", "pid"] as const;
  const widths = columns.map((column) => Math.max(header[column].length, ...cells.map((c) => c[column].length)));
  const line = (c: Record<(typeof columns)[number] | "detail", string>) =>
    [...columns.map((column, i) => c[column].padEnd(widths[i])), c.detail].join("  ").trimEnd();
  return [line(header), ...cells.map(line)].join("\n");
}

/** "12s ago", "3m ago", "5h ago", "2d ago". */
function age(since: number): string {
  const seconds = Math.max(0, Math.round((Date.now() - since) / 1000));
  const [value, unit] =
    seconds < 120 ? [seconds, "s"] : seconds < 7200 ? [seconds / 60, "m"] : seconds < 172800 ? [seconds / 3600, "h"] : [seconds / 86400, "d"];
  return `${Math.floor(value)}${unit} ago`;
}
