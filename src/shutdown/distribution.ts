// A distribution's own init, kept as the fallback. Where goetia was
// installed beside a package manager's init (scripts/install.sh diverts
// /sbin/init, poweroff, reboot, halt and shutdown to NAME.distrib, as
// `dpkg-divert --rename` does), a machine booted into that init is powered
// off by that init's own tools: goetia's would find no s6-svscan to ask.
import { existsSync, readlinkSync, realpathSync } from "node:fs";

/** Where install.sh moves the distribution's own NAME. */
export const divertedPath = (name: string) => `/sbin/${name}.distrib`;

/** The distribution's own NAME when PID 1 is the distribution's init, diverted at install; undefined under goetia or with nothing diverted. */
export function distributionsOwn(name: string): string | undefined {
  const own = divertedPath(name);
  try {
    return existsSync(own) && readlinkSync("/proc/1/exe") === realpathSync(divertedPath("init")) ? own : undefined;
  } catch {
    return undefined; // no init diverted, or PID 1 out of sight
  }
}
