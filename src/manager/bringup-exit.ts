// How the boot's bring-up (bringup.sh) ends its foreground part, for stage
// 1 (boot/bringup-start.ts) to read: a module of its own, so that stage 1
// loads no more than these numbers.
export const BRINGUP_EXIT = {
  /** Prepared: the bring-up goes on in the background. */
  prepared: 0,
  /** The run directory could not be made ready. */
  cannotPrepare: 1,
  /** The sources are newer than its database: nothing done, goetia must compile them. */
  sourcesChanged: 3,
} as const;
