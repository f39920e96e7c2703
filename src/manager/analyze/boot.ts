// Where the boot's time went, from what the boot left on record: the boot
// timeline's marks (CLOCK_MONOTONIC: the kernel's clock since it started)
// and each service's state record (its last transition: when it ended and
// how long it took). Pure functions of those, so they are tested without a
// boot; the commands read the records (cli/commands/analyze.ts).
import type { Mark } from "../../lib/timeline.ts";
import type { Graph } from "../graph.ts";
import type { ServiceState } from "../run/state.ts";

export interface BootPart {
  what: string;
  ms: number;
}

/** The boot's parts, in order, adding up to its total; undefined while the bundle is not up (nor failed). */
export function bootParts(marks: Mark[]): { parts: BootPart[]; totalMs: number; up: boolean } | undefined {
  const at = (what: string) => marks.find((mark) => mark.what === what)?.ns;
  const end = at("bundle-up") ?? at("bundle-not-up");
  if (end === undefined) return undefined;
  const ms = (ns: bigint) => Number(ns / 1000n) / 1000;
  // Stage 2 boots when the compiled bring-up cannot; each path has its own marks.
  const stops: [string, bigint | undefined][] = [
    ["kernel, to stage 1 running (the initramfs unpacked, Bun started)", at("stage1")],
    ["stage 1, to s6-svscan (mounts, the bring-up prepared)", at("svscan") ?? at("stage2-forked")],
    ["stage 2's start (Bun again)", at("stage2")],
    ["the services, to the bundle up", end],
  ];
  const parts: BootPart[] = [];
  let last = 0n;
  for (const [what, ns] of stops) {
    if (ns === undefined) continue;
    parts.push({ what, ms: ms(ns - last) });
    last = ns;
  }
  return { parts, totalMs: ms(end), up: at("bundle-up") !== undefined };
}

/** A service's last transition, on the boot clock (ms since the kernel started). */
export interface Transition {
  name: string;
  phase: ServiceState["phase"];
  startMs: number;
  endMs: number;
  reason?: string;
}

/** Each service's last transition, from its record, moved onto the boot clock (offsetMs: realtime minus monotonic). */
export function transitions(records: Map<string, ServiceState>, offsetMs: number): Transition[] {
  const found: Transition[] = [];
  for (const [name, record] of records) {
    if (record.durationMs === undefined || record.since === 0) continue;
    const endMs = record.since - offsetMs;
    found.push({ name, phase: record.phase, startMs: endMs - record.durationMs, endMs, reason: record.reason });
  }
  return found;
}

/** Slowest first: how long each service took to come up (or to fail). */
export function blame(all: Transition[]): Transition[] {
  return [...all].sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs) || a.name.localeCompare(b.name));
}

/**
 * The chain that decided when target was up: the member of target (a
 * bundle's, or target itself) that was done last, then, of what it needs,
 * the one done last, and so on down to one that needed nothing.
 */
export function criticalChain(graph: Graph, all: Transition[], targets: Iterable<string>): Transition[] {
  const byName = new Map(all.map((t) => [t.name, t]));
  const latest = (names: Iterable<string>) =>
    [...names].map((name) => byName.get(name)).filter((t) => t !== undefined).sort((a, b) => b.endMs - a.endMs)[0];
  const chain: Transition[] = [];
  const seen = new Set<string>();
  for (let link = latest(targets); link !== undefined && !seen.has(link.name); link = latest(graph.dependencies.get(link.name) ?? [])) {
    seen.add(link.name);
    chain.push(link);
  }
  return chain;
}
