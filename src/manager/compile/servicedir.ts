// The one place where a service's source becomes the service directory
// s6-supervise runs: what s6 reads is copied, and goetia adds its own
// plumbing around the service's run script where the service needs it
// (pipelines today; templates and generated loggers plug in here).
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyServicedir } from "../../s6/servicedir.ts";
import { redirectingRunScript } from "../../s6/execline.ts";
import type { Service } from "../service.ts";
import { pipePath } from "./pipeline.ts";

/** Makes target the service directory of longrun service; pipesDir is where the tree keeps its pipes. */
export function makeServicedir(service: Service, target: string, pipesDir: string): void {
  copyServicedir(service.dir, target);
  if (service.producerFor === undefined && service.consumerFor.length === 0) return;
  // A pipeline member: its own run, renamed run.user, with stdin from its pipe and stdout into its consumer's.
  renameSync(join(target, "run"), join(target, "run.user"));
  const redirect = {
    stdinFrom: service.consumerFor.length > 0 ? pipePath(pipesDir, service.name) : undefined,
    stdoutTo: service.producerFor !== undefined ? pipePath(pipesDir, service.producerFor) : undefined,
  };
  writeFileSync(join(target, "run"), redirectingRunScript("pipeline plumbing around the service's own run script", redirect, "./run.user"), {
    mode: 0o755,
  });
}
