// The boot a command looks at: this one by default, or an earlier one kept
// on disk (--boot -1: the one before), with the bundle it brought up.
import type { ArgsDef } from "citty";
import { bootRecordOf } from "../boot/saved-records.ts";
import { FailedError, UsageError } from "../lib/errors.ts";
import type { Mark } from "../lib/timeline.ts";
import { treePaths } from "../lib/tree.ts";
import { bootEnd } from "../manager/analyze/boot.ts";
import type { Live } from "../manager/run/live.ts";
import { bootBundle } from "./boot-bundle.ts";

export const bootArgs = {
  boot: { type: "string", description: "which boot: 0 this one (default), -1 the one before, -2..." },
} as const satisfies ArgsDef;

export interface ChosenBoot {
  /** Where its record is. */
  file: string;
  /** Its name (when the kernel started, its boot id), where stage 1 gave it one. */
  name?: string;
  marks: Mark[];
  /** The bundle it brought up (as its record says; this boot's, as the command line says, while it goes on). */
  bundle: string;
}

export function chosenBoot(live: Live, boot: string | undefined): ChosenBoot {
  if (boot !== undefined && !/^(0|-[1-9]\d*)$/.test(boot)) throw new UsageError(`--boot: "${boot}" is not 0, -1, -2...`);
  const found = bootRecordOf(live.tree, Number(boot ?? 0));
  if (!found) throw new FailedError(`no boot ${boot} on record in ${treePaths(live.tree).savedBootRecords}`);
  return { ...found, bundle: bootEnd(found.marks)?.bundle ?? bootBundle(live.tree, live.graph) };
}
