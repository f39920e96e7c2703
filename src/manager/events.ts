// The boot record's vocabulary (lib/timeline.ts writes its lines), named
// here once for every side that writes or reads it: the engine
// (run/engine.ts), the boot's bring-up (bringup.sh, given these names when
// it is compiled), stage 2, and what reads the record (analyze/).
//
// What happens to a service, the service as subject:
//   asked     it was asked up (detail: by whom)
//   starting  its transition began: what it needs is up
//   up        its process runs (a longrun), its up succeeded (a oneshot)
//   ready     a longrun with a notification-fd said it was ready
//   failed    its transition failed (detail: why)
//   skipped   a dependency failed (detail: that dependency)
//   stopping  its way down began (detail: by whom)
//   down      its way down ended
// Any other line is a stage's mark: boot (subject: the boot's name),
// stage1, svscan, bringup, stage2, and the boot bundle's end, bundle-up or
// bundle-not-up (subject: the bundle).

export const EVENT = {
  asked: "asked",
  starting: "starting",
  up: "up",
  ready: "ready",
  failed: "failed",
  skipped: "skipped",
  stopping: "stopping",
  down: "down",
} as const;

export const SERVICE_EVENTS: ReadonlySet<string> = new Set(Object.values(EVENT));

/** The marks that end the boot's bundle, one or the other. */
export const BUNDLE_MARK = { up: "bundle-up", notUp: "bundle-not-up" } as const;

/** The mark the compiled bring-up opens with. */
export const BRINGUP_MARK = "bringup";

/** Who asks for the boot's bundle, as "asked" names it. */
export const BOOT_ASKER = "the boot";
