// The fifos of pipelines, made in the tree's run directory before their
// consumers start (compile/pipeline.ts says why a named fifo per consumer).
import { mkdirSync } from "node:fs";
import * as libc from "../../sys/libc.ts";
import { pipePath } from "../compile/pipeline.ts";
import type { Service } from "../../service.ts";

/** Creates the fifos of the consumers among services, where missing. */
export function makePipes(pipesDir: string, services: Service[]): void {
  const consumers = services.filter((service) => service.consumerFor.length > 0);
  if (consumers.length === 0) return;
  mkdirSync(pipesDir, { recursive: true });
  for (const consumer of consumers) libc.makeFifo(pipePath(pipesDir, consumer.name), 0o600);
}
