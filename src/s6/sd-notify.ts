// Readiness the systemd way (sd_notify: a datagram READY=1 to the socket in
// $NOTIFY_SOCKET) turned into s6's (a line on the notification fd): the
// bridge, initramfs/shim/sd-notify.c, runs the daemon as the process
// s6-supervise started, and writes the line for it.
import { join } from "node:path";

/** The notification fd s6-supervise gives the bridge (never the daemon: the bridge closes it before the exec). */
export const SD_NOTIFY_FD = 3;

/** Where goetia's helper programs are installed (GOETIA_LIBDIR: elsewhere, for tests). */
export const LIB_DIR = process.env.GOETIA_LIBDIR ?? "/usr/lib/goetia";

/** The command line that runs command (sh, already quoted) behind the bridge. */
export const behindSdNotify = (command: string) => `${join(LIB_DIR, "sd-notify")} ${SD_NOTIFY_FD} ${command}`;
