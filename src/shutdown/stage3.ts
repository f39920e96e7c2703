// Stage 3: the way down while the supervision tree still runs. PID 1
// (s6-svscan) runs this from its signal handlers, so it lives outside every
// service's session and survives the services it stops. It records the
// action for stage 4, stops the services in reverse dependency order, and
// tells s6-svscan to leave for its finish script (stage 4).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { log } from "../lib/log.ts";
import { systemTree, treePaths } from "../lib/tree.ts";
import { change } from "../service/change.ts";
import { openLive } from "../service/live.ts";
import { consoleReporter } from "../service/report.ts";
import { actionFile, type Action } from "./action.ts";

export async function stage3(action: Action): Promise<number> {
  const tree = systemTree();
  const file = actionFile(tree);
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${action}\n`, { flag: "wx" });
  } catch {
    log.warn(`${action} asked, but a shutdown is already under way; it goes on`);
    return 1;
  }
  log.info(`${action}: stopping services`);
  const live = openLive(tree);
  const names = [...live.graph.atoms.keys()];
  await change(live, { direction: "down", names, includeEssential: true, label: "all services" }, consoleReporter);
  log.info(`${action}: stopping the supervision tree`);
  const code = await Bun.spawn(["s6-svscanctl", "-b", treePaths(tree).scandir]).exited;
  return code === 0 ? 0 : 1;
}
