// A log for every daemon: each longrun that has no logger of its own (a
// pipeline consumer, a definition's log/) and no `no-log` file gets one,
// NAME-log, an s6-log writing <logDir>/NAME/current with TAI64N stamps,
// rotated by size. It is a pipeline consumer (pipeline.ts): it comes up
// before its daemon and goes down after it, and what the daemon writes
// while either restarts waits in the pipe. Every logger, these and the
// definitions' log/, needs LOG_NEEDS first when the tree defines it: on a
// read-only root, nothing writes the logs before they can be written.
import { join } from "node:path";
import type { Tree } from "../../lib/tree.ts";
import { loggerName, newService, type SourceSet } from "../../service.ts";

/** The bundle (or service) every logger depends on, where the tree has it: what makes the log folder writable. */
export const LOG_NEEDS = "log-needs";

/** Adds NAME-log for every longrun that needs one, and LOG_NEEDS to every logger's dependencies. */
export function addLoggers(tree: Tree, set: SourceSet): void {
  for (const service of [...set.services.values()]) {
    const inPipeline = service.producerFor !== undefined || service.consumerFor.length > 0 || service.pipelineName !== undefined;
    if (service.type !== "longrun" || service.noLog || inPipeline) continue;
    const name = loggerName(service.name);
    const taken = set.services.get(name) ?? (set.broken.has(name) ? { dir: "the sources" } : undefined);
    if (taken) {
      const message = `no logger made: ${name} is already defined in ${taken.dir}; its output goes to the catch-all log (a no-log file says so without this warning)`;
      set.problems.push({ service: service.name, file: service.dir, message });
      continue;
    }
    service.producerFor = name;
    service.stderrToo = true;
    set.services.set(name, newService(name, "longrun", service.dir, { consumerFor: [service.name], made: { from: "logger", logDir: join(tree.logDir, service.name) } }));
  }
  if (!set.services.has(LOG_NEEDS) && !set.broken.has(LOG_NEEDS)) return;
  for (const service of set.services.values()) {
    const logger = service.made !== undefined && service.consumerFor.length > 0;
    if (logger && !service.dependencies.includes(LOG_NEEDS)) service.dependencies = [...service.dependencies, LOG_NEEDS];
  }
}
