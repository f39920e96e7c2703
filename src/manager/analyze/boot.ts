// Where the boot's time went, from its record (lib/timeline.ts): the stages'
// marks and each service's transitions, on CLOCK_MONOTONIC, the kernel's
// clock since it started, in the record's vocabulary (manager/events.ts).
// Pure functions of the record, so they are tested without a boot; the
// commands read it (cli/commands/analyze.ts).
import type { Mark } from "../../lib/timeline.ts";
import { BUNDLE_MARK, EVENT, SERVICE_EVENTS } from "../events.ts";
import type { Graph } from "../graph.ts";
import { servicesWord, summary, SUMMARY_STATE } from "../messages.ts";

export interface BootPart {
  /** A word for it (a band of the boot chart). */
  name: string;
  what: string;
  ms: number;
}

/** What the boot's bundle came to, and when. */
export interface BootEnd {
  ns: bigint;
  up: boolean;
  bundle?: string;
}

const stageMarks = (marks: Mark[]) => marks.filter((mark) => !SERVICE_EVENTS.has(mark.what));

/** When each stage was marked first (undefined: never), by its name. */
function stageAt(marks: Mark[]): (what: string) => bigint | undefined {
  const stages = stageMarks(marks);
  return (what) => stages.find((mark) => mark.what === what)?.ns;
}

/** When the boot's bundle was up (or done, not fully up); undefined while the boot goes on. */
export function bootEnd(marks: Mark[]): BootEnd | undefined {
  const end = stageMarks(marks).find((mark) => mark.what === BUNDLE_MARK.up || mark.what === BUNDLE_MARK.notUp);
  return end && { ns: end.ns, up: end.what === BUNDLE_MARK.up, bundle: end.subject };
}

const msOf = (ns: bigint) => Number(ns / 1000n) / 1000;

/** Where the stages were marked (name, what, when; unmarked ones left out): the time from each to the next, from start. */
function partsFrom(start: bigint, stops: [string, string, bigint | undefined][]): BootPart[] {
  const parts: BootPart[] = [];
  let last = start;
  for (const [name, what, ns] of stops) {
    if (ns === undefined) continue;
    parts.push({ name, what, ms: msOf(ns - last) });
    last = ns;
  }
  return parts;
}

/** The boot's parts, in order, adding up to its total; undefined while the bundle is not up (nor failed). */
export function bootParts(marks: Mark[]): { parts: BootPart[]; totalMs: number; up: boolean } | undefined {
  const end = bootEnd(marks);
  if (end === undefined) return undefined;
  const at = stageAt(marks);
  // Stage 2 boots when the compiled bring-up cannot; each path has its own marks.
  const stops: [string, string, bigint | undefined][] = [
    ["kernel", "kernel, to stage 1 running (the initramfs unpacked, Bun started)", at("stage1")],
    ["stage 1", "stage 1, to s6-svscan (mounts, the bring-up prepared)", at("svscan") ?? at("stage2-forked")],
    ["stage 2", "stage 2's start (Bun again)", at("stage2")],
    ["services", "the services, to the bundle up", end.ns],
  ];
  return { parts: partsFrom(0n, stops), totalMs: msOf(end.ns), up: end.up };
}

/**
 * The way down's parts, where the record holds it (a boot saved at its end:
 * stage 4 adds the way down's marks), from the request (or the signal's
 * stage 3) to the last process gone.
 */
export function wayDownParts(marks: Mark[]): { parts: BootPart[]; totalMs: number } | undefined {
  const at = stageAt(marks);
  const start = at("requested") ?? at("stage3-forked");
  const end = at("processes-gone");
  if (start === undefined || end === undefined) return undefined;
  const stops: [string, string, bigint | undefined][] = [
    ["to stage 3", "the request, to stage 3 running (its Bun start)", at("stage3")],
    ["services", "the services, down in reverse order", at("services-down")],
    ["stage 4", "s6-svscan leaving, stage 4, to the last process gone", end],
  ];
  return { parts: partsFrom(start, stops), totalMs: msOf(end - start) };
}

/** How a service's way up ended: up (and ready, with readiness), failed, skipped; starting while it goes on. */
export type BootOutcome = "up" | "failed" | "skipped" | "starting";

/** One service's way up at boot, on the boot clock (ms since the kernel started). */
export interface ServiceBoot {
  name: string;
  /** When it was asked up (with the rest of the bundle). */
  askedMs: number;
  /** When its own transition began: what it needs was up. */
  startMs?: number;
  /** A longrun: when its process was running. A oneshot: when its up succeeded. */
  upMs?: number;
  /** A longrun with a notification-fd: when it said it was ready. */
  readyMs?: number;
  /** When it was done: ready, up, failed or skipped (the last event so far while starting). */
  endMs: number;
  outcome: BootOutcome;
  /** Failed: why; skipped: the dependency that failed. */
  reason?: string;
}

/**
 * Each service's way up in the boot: its events up to the boot's end (the
 * bundle up, or not fully), the first way up of each only (a later change
 * is not the boot's). With no end yet, every event so far.
 */
export function bootServices(marks: Mark[]): ServiceBoot[] {
  const end = bootEnd(marks)?.ns;
  const found = new Map<string, ServiceBoot>();
  const done = new Set<string>();
  for (const { what, ns, subject: name, detail } of marks) {
    if (name === undefined || !SERVICE_EVENTS.has(what)) continue;
    if (end !== undefined && ns > end) break;
    const ms = msOf(ns);
    let service = found.get(name);
    if (service === undefined) {
      if (what !== EVENT.asked && what !== EVENT.starting && what !== EVENT.skipped) continue; // going down: not a way up
      service = { name, askedMs: ms, endMs: ms, outcome: "starting" };
      found.set(name, service);
    }
    // Up, a daemon that must get ready is on its way still: its readiness, or its failure to get there, ends it.
    const stillComing = service.outcome === "up" && service.readyMs === undefined && (what === EVENT.ready || what === EVENT.failed);
    if (done.has(name) && !stillComing) continue;
    switch (what) {
      case EVENT.starting:
        service.startMs = ms;
        break;
      case EVENT.up:
        service.upMs = ms;
        service.outcome = "up";
        done.add(name);
        break;
      case EVENT.ready:
        service.readyMs = ms;
        service.upMs ??= ms;
        service.outcome = "up";
        done.add(name);
        break;
      case EVENT.failed:
      case EVENT.skipped:
        service.outcome = what;
        service.reason = detail;
        done.add(name);
        break;
    }
    service.endMs = ms;
  }
  return [...found.values()];
}

/** Time from its start to its end (ready, up or failed); 0 when skipped. */
export const took = (service: ServiceBoot) => (service.startMs === undefined ? 0 : service.endMs - service.startMs);

/** Slowest first: how long each service took to come up (or to fail); skipped ones took none and are left out. */
export function blame(services: ServiceBoot[]): ServiceBoot[] {
  return services.filter((s) => s.outcome !== "skipped").sort((a, b) => took(b) - took(a) || a.name.localeCompare(b.name));
}

/**
 * The chain that decided when target was up: the member of target (a
 * bundle's, or target itself) that was done last, then, of what it needs,
 * the one done last, and so on down to one that needed nothing.
 */
export function criticalChain(graph: Graph, services: ServiceBoot[], targets: Iterable<string>): ServiceBoot[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const latest = (names: Iterable<string>) =>
    [...names].map((name) => byName.get(name)).filter((s) => s !== undefined).sort((a, b) => b.endMs - a.endMs)[0];
  const chain: ServiceBoot[] = [];
  const seen = new Set<string>();
  for (let link = latest(targets); link !== undefined && !seen.has(link.name); link = latest(graph.dependencies.get(link.name) ?? [])) {
    seen.add(link.name);
    chain.push(link);
  }
  return chain;
}

/**
 * The boot's closing line: how many services are up, when on the kernel's
 * clock, and what did not come up, in order (the boot's start order, where
 * it is given: graph.ts's startOrder).
 */
export function bootSummary(bundle: string, marks: Mark[], order: string[] = []): string {
  const rank = new Map(order.map((name, i) => [name, i]));
  const services = bootServices(marks).sort((a, b) => (rank.get(a.name) ?? 0) - (rank.get(b.name) ?? 0));
  const named = (outcome: BootOutcome) => services.filter((s) => s.outcome === outcome).map((s) => s.name);
  const [failed, skipped] = [named("failed"), named("skipped")];
  const end = bootEnd(marks);
  const up = named("up").length;
  let text = summary.head(bundle, end?.up ? SUMMARY_STATE.up : SUMMARY_STATE.notUp, String(up), servicesWord(up));
  if (end) text += summary.when(String(Math.round(msOf(end.ns))));
  if (failed.length > 0) text += summary.failed(String(failed.length), failed.join(", "));
  if (skipped.length > 0) text += summary.skipped(String(skipped.length), skipped.join(", "));
  return text;
}
