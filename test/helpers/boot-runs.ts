// A tree's bundle brought up on the host the two ways a boot can: the
// compiled bring-up (manager/bringup.ts) under a given shell, as stage 1
// runs it, and stage 2 (goetia's engine), as stage 1 starts it when the
// bring-up cannot be used; and what a user can see afterwards, put so that
// the two compare: the console's lines, each service's state record, its
// events in the boot record, and how the bundle ended.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseTimeline } from "../../src/lib/timeline.ts";
import { SERVICE_EVENTS } from "../../src/manager/events.ts";
import { StateStore } from "../../src/manager/run/state.ts";
import { STAGE2_NAME } from "../../src/roles.ts";
import * as libc from "../../src/sys/libc.ts";
import { ROOT } from "./guest.ts";
import type { HostTree } from "./host-tree.ts";

/** The shells a bring-up is run under: busybox's (the test system's), bash (what stage 1 takes on Debian), and dash (Debian's /bin/sh), which has no sub-second read. */
export const SHELLS = { busybox: ["busybox", "sh"], bash: ["bash"], dash: ["dash"] } as const;
export type Shell = keyof typeof SHELLS;

export interface BringUp {
  /** The foreground part's exit code. */
  prepared: number;
  /** Everything both parts said, once the background part is done. */
  said: Promise<string>;
}

/** The run directory's skeleton, as the image has it (a scandir, nothing supervised yet). */
function runImage(tree: HostTree): void {
  mkdirSync(join(tree.run, "goetia"), { recursive: true });
  mkdirSync(join(tree.conf, "run-image", "service"), { recursive: true });
}

/**
 * Runs the compiled bring-up of name under shell, holding the change lock
 * as stage 1 does; s6-svscan starts once it has prepared.
 */
export async function bringUpWith(tree: HostTree, shell: Shell, name: string, ...more: string[]): Promise<BringUp> {
  runImage(tree);
  const lock = openSync(join(tree.run, "goetia", "lock"), "a+");
  if (!libc.lockFile(lock)) throw new Error("the tree's lock is taken");
  const child = Bun.spawn([...SHELLS[shell], join(tree.conf, "compiled", "bringup"), name, "0", ...more], {
    env: { PATH: process.env.PATH! },
    stdio: ["ignore", "pipe", "pipe", lock],
  });
  closeSync(lock);
  const said = Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]).then(([out, err]) => out + err);
  const prepared = await child.exited;
  if (prepared === 0) await tree.start();
  return { prepared, said };
}

/** Stage 2 bringing name up beside s6-svscan, on a run directory made ready as stage 1 makes it; resolves with all it said. */
export async function stage2With(tree: HostTree, name: string): Promise<string> {
  runImage(tree);
  Bun.spawnSync(["cp", "-a", `${join(tree.conf, "run-image")}/.`, tree.run]);
  await tree.start();
  const copy = openSync(join(tree.dir, "catch-all-copy"), "w");
  const child = Bun.spawn([process.execPath, join(ROOT, "src/main.ts")], {
    argv0: STAGE2_NAME,
    env: { ...tree.env, GOETIABUNDLE: name },
    stdio: ["ignore", "pipe", "pipe", copy],
  });
  closeSync(copy);
  const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return out + err;
}

export interface Seen {
  /** goetia's console lines, sorted, with durations and clock readings as N. */
  console: string[];
  /** Each service's state record: its phase, and why when it failed. */
  states: Record<string, string>;
  /** Each service's events in the boot record, in order (with the detail of asked, failed and skipped). */
  events: Record<string, string[]>;
  /** The boot record's last mark: how the bundle ended, and which. */
  end: string;
}

/** What a user can see of the tree after a bring-up that said said. */
export function seenIn(tree: HostTree, said: string): Seen {
  const console = said
    .split("\n")
    .filter((line) => line.startsWith("goetia: "))
    .map((line) => line.replace(/\d+ ms/g, "N ms"))
    .sort();
  const stateDir = join(tree.run, "goetia", "state");
  const store = new StateStore(stateDir);
  const states: Record<string, string> = {};
  const files = existsSync(stateDir) ? readdirSync(stateDir) : []; // nothing brought up: none made
  for (const file of files.filter((entry) => entry.endsWith(".json")).sort()) {
    const { phase, reason } = store.get(file.slice(0, -".json".length));
    states[file.slice(0, -".json".length)] = reason === undefined ? phase : `${phase}: ${reason}`;
  }
  const events: Record<string, string[]> = {};
  let end = "";
  for (const { what, subject, detail } of parseTimeline(readFileSync(join(tree.run, "goetia", "boot-record"), "utf8"))) {
    if (subject !== undefined && SERVICE_EVENTS.has(what)) (events[subject] ??= []).push(detail === undefined ? what : `${what} ${detail}`);
    else end = `${what}${subject === undefined ? "" : ` ${subject}`}`;
  }
  return { console, states, events, end };
}
