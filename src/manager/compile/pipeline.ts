// Pipelines, as s6-rc defines them: a longrun's stdout feeds the stdin of its
// consumer (producer-for / consumer-for), chains may be long and consumers
// may have several producers, and the last consumer's pipeline-name names a
// bundle of the whole chain. A producer depends on its consumer, so the
// reader is there first.
//
// s6-rc keeps the pipes in s6-fdholderd; goetia uses one named fifo per
// consumer instead, which the consumer opens read-write: it never sees end
// of file when a producer restarts, and a producer never writes into a pipe
// with no reader. Data written while the consumer restarts waits in the pipe.
import { join } from "node:path";
import type { Service } from "../../service.ts";

type Report = (service: Service, file: string, message: string) => void;

/**
 * Checks every pipeline link from both ends. Returns the services left out,
 * the extra dependencies (producer -> consumer), the pipeline bundles, and
 * each bundle's owner (the last consumer, whose pipeline-name names it).
 */
export function checkPipelines(services: Map<string, Service>, report: Report) {
  const broken = new Set<string>();
  const dependencies = new Map<string, string>();
  const bundles = new Map<string, string[]>();
  const owners = new Map<string, string>();
  const longrun = (name: string) => (services.get(name)?.type === "longrun" ? services.get(name) : undefined);

  for (const service of services.values()) {
    if (service.producerFor !== undefined) {
      const consumer = longrun(service.producerFor);
      const problem = !consumer
        ? `${service.producerFor} is not a longrun service`
        : !consumer.consumerFor.includes(service.name)
          ? `${consumer.name} does not list ${service.name} in its consumer-for`
          : undefined;
      if (problem) {
        report(service, "producer-for", `broken pipeline: ${problem}`);
        broken.add(service.name);
      } else dependencies.set(service.name, consumer!.name);
    }
    for (const producerName of service.consumerFor) {
      const producer = longrun(producerName);
      if (producer?.producerFor === service.name) continue;
      const problem = producer ? `${producerName} is producer-for ${producer.producerFor ?? "nothing"}` : `${producerName} is not a longrun service`;
      report(service, "consumer-for", `broken pipeline: ${problem}, not for ${service.name}`);
      broken.add(service.name);
    }
  }

  for (const service of services.values()) {
    if (service.pipelineName === undefined) continue;
    const problem =
      service.producerFor !== undefined
        ? "only the last consumer of a pipeline may name it"
        : service.consumerFor.length === 0
          ? "this service consumes nothing: there is no pipeline to name"
          : services.has(service.pipelineName)
            ? `${service.pipelineName} is already the name of a service`
            : undefined;
    if (problem) report(service, "pipeline-name", problem);
    else {
      bundles.set(service.pipelineName, pipelineMembers(services, service));
      owners.set(service.pipelineName, service.name);
    }
  }
  return { broken, dependencies, bundles, owners };
}

/** The last consumer and everything feeding it, however far back. */
function pipelineMembers(services: Map<string, Service>, last: Service): string[] {
  const members = new Set<string>();
  const pending = [last.name];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (members.has(name)) continue;
    members.add(name);
    pending.push(...(services.get(name)?.consumerFor ?? []));
  }
  return [...members];
}

/** Where a consumer's pipe lives in the tree's run directory. */
export function pipePath(pipesDir: string, consumer: string): string {
  return join(pipesDir, consumer);
}
