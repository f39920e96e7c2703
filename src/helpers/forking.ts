// A daemon that forks away (systemd's Type=forking) under s6: the keeper,
// initramfs/shim/forking.c, is the process s6-supervise started; it runs the
// daemon's launcher, becomes the subreaper of the daemon it leaves, says it
// is ready on the notification fd, passes s6's signals on to it, and exits
// as the daemon does. Its notification fd is the one the sd_notify bridge
// takes: a service has one or the other.
import { shellQuote } from "../lib/sh.ts";
import { helper } from "./place.ts";
import { SD_NOTIFY_FD } from "./sd-notify.ts";

/** The command line that runs command (sh, already quoted) under the keeper; pidFile: the daemon's PID file, or "-" to take the one child it leaves. */
export const keptForking = (pidFile: string, command: string) => `${helper("forking")} ${SD_NOTIFY_FD} ${shellQuote(pidFile)} ${command}`;
