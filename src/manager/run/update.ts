// Live update, s6-rc-update's job: the sources were edited on a running
// system; recompile, then make the running tree match. Services whose
// definition changed are restarted (with what depends on them), removed ones
// are stopped and unsupervised, new ones become available (or start, those
// the caller says the boot would bring up: what a package has enabled).
import { rmSync } from "node:fs";
import { EXIT } from "../../lib/errors.ts";
import { log } from "../../lib/log.ts";
import { treePaths, type Tree } from "../../lib/tree.ts";
import { unsupervise } from "../../s6/scandir.ts";
import type { Database } from "../database.ts";
import { closure, type Graph } from "../graph.ts";
import { applyChange } from "./engine.ts";
import { liveFrom, openLive, stageLive, switchLive } from "./live.ts";
import { takeLock } from "./lock.ts";
import { planChange } from "./plan.ts";
import { settleInterrupted } from "./settle.ts";
import { isTransitional } from "./state.ts";
import { reportProblems } from "./report.ts";
import type { Reporter } from "./transition.ts";

/** What an update does: services added, removed, and changed (their fingerprint differs), each sorted. */
export function diffDatabases(before: Database, after: Database): { added: string[]; removed: string[]; changed: string[] } {
  const old = before.services;
  const next = after.services;
  return {
    added: Object.keys(next).filter((name) => !old[name]).sort(),
    removed: Object.keys(old).filter((name) => !next[name]).sort(),
    changed: Object.keys(next).filter((name) => old[name] && old[name].fingerprint !== next[name].fingerprint).sort(),
  };
}

export interface UpdateOptions {
  dryRun?: boolean;
  /** Of the services added, those to start: the ones in the set this gives for the new graph. */
  startAdded?: (graph: Graph) => Set<string>;
}

export async function update(tree: Tree, reporter: Reporter, { dryRun = false, startAdded }: UpdateOptions = {}): Promise<number> {
  // The live side as it is (no source check: that is this command's own job), then the sources compiled
  // once, into the copy that will go live: a compile meanwhile cannot change what this update applies.
  const before = openLive(tree, { checkSources: false });
  const staged = stageLive(tree);
  const after = staged.db;
  reportProblems(after);
  const plan = diffDatabases(before.db, after);
  const { added, removed, changed } = plan;
  log.info(`update: ${added.length} new, ${changed.length} changed, ${removed.length} removed`);
  for (const [label, names] of Object.entries(plan)) if (names.length > 0) log.info(`  ${label}: ${names.join(" ")}`);
  if (dryRun) {
    rmSync(staged.dir, { recursive: true, force: true });
    return EXIT.OK;
  }

  const lock = await takeLock(treePaths(tree).lock, "update", 30_000);
  try {
    if (lock.lastHolderDied) await settleInterrupted(before);
    // Down, in the old graph: what goes away or changes, and what depends on it.
    const touched = [...removed, ...changed];
    const stopping = planChange(before.graph, before.states.phase, "down", touched, { includeEssential: true });
    const wasUp = [...closure(touched, before.graph.dependents)].filter((name) => before.states.phase(name) === "up");
    const down = await applyChange(before, "down", stopping, reporter);
    // A removed service goes even when its down failed: its package may have taken the program away first.
    const unstopped = down.filter((o) => !o.ok).map((o) => o.name);
    for (const name of unstopped.filter((name) => removed.includes(name))) log.warn(`update: ${name} did not stop cleanly; it is removed all the same`);
    const stuck = unstopped.filter((name) => !removed.includes(name));
    if (stuck.length > 0) {
      rmSync(staged.dir, { recursive: true, force: true });
      log.error(`update: could not stop ${stuck.join(", ")}; the old definitions stay live`);
      return EXIT.FAILED;
    }
    const longruns = touched.filter((name) => before.graph.atoms.get(name)?.type === "longrun");
    await unsupervise(treePaths(tree).scandir, longruns.map((name) => ({ name, liveDir: before.servicedir(name) })));
    for (const name of removed) before.states.remove(name);

    switchLive(tree, staged.dir);
    const live = liveFrom(tree, after);
    const restart = wasUp.filter((name) => live.graph.atoms.has(name));
    const wanted = startAdded?.(live.graph) ?? new Set<string>();
    const start = added.filter((name) => wanted.has(name));
    const up = await applyChange(live, "up", planChange(live.graph, live.states.phase, "up", [...restart, ...start]), reporter);
    const failed = up.filter((o) => !o.ok).map((o) => o.name);
    if (failed.length > 0) log.error(`update: applied, but these did not come back up: ${failed.join(", ")}`);
    else log.info("update: applied");
    return failed.length > 0 ? EXIT.FAILED : EXIT.OK;
  } finally {
    // A record that could not be written (ENOSPC...) leaves a transition on record: the next change settles it.
    lock.release({ leftBehind: [...before.graph.atoms.keys()].some((name) => isTransitional(before.states.phase(name))) });
  }
}
