// Templates, as dinit has them: a source folder whose name ends in @
// (user-tree@) is not a service but a pattern. Every name TEMPLATE@ARG that
// a bundle, a dependency or the enabled folder asks for, and that is not
// defined itself, is an instance of it: the template under that name, its
// run script told ARG in INSTANCE. One template, a service per user tree
// (or per interface, per tty...).
import type { Service, SourceSet } from "../../service.ts";

const PIPELINE_FILES = ["producer-for", "consumer-for", "pipeline-name"];

/** Takes the templates out of the services, and adds every instance the services name (instances may name more). */
export function instantiateTemplates(set: SourceSet): void {
  const templates = new Map<string, Service>();
  for (const [name, service] of set.services) {
    if (!name.endsWith("@")) continue;
    set.services.delete(name);
    const unfit = unfitness(service);
    if (unfit === undefined) templates.set(name, service);
    else {
      set.problems.push({ service: name, file: service.dir, message: `not usable as a template: ${unfit}` });
      set.broken.add(name);
    }
  }
  const pending = [...set.services.values()];
  for (let service = pending.pop(); service !== undefined; service = pending.pop()) {
    for (const name of [...service.contents, ...service.dependencies]) {
      const at = name.indexOf("@");
      if (at <= 0 || at === name.length - 1 || set.services.has(name) || set.broken.has(name)) continue;
      const template = templates.get(name.slice(0, at + 1));
      if (template === undefined) {
        // An instance of a broken template is broken too: what names it is told so, not that it does not exist.
        if (set.broken.has(name.slice(0, at + 1))) set.broken.add(name);
        continue;
      }
      const instance: Service = { ...template, name, instance: name.slice(at + 1) };
      set.services.set(name, instance);
      pending.push(instance);
    }
  }
}

/** Why a template cannot be instantiated, if it cannot: only a longrun's run script is told its instance. */
function unfitness(template: Service): string | undefined {
  if (template.type !== "longrun") return `a ${template.type} cannot be told its instance; templates are longruns`;
  const pipeline = template.producerFor !== undefined || template.consumerFor.length > 0 || template.pipelineName !== undefined;
  if (pipeline) return `its instances would all claim the same pipeline (${PIPELINE_FILES.join(", ")})`;
  return undefined;
}
