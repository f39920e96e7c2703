// The sd_notify bridge (initramfs/shim/sd-notify.c): readiness the systemd
// way (a datagram READY=1 to the socket in $NOTIFY_SOCKET) turned into s6's
// (a line on the notification fd). It runs the daemon as the process
// s6-supervise started, and writes the line for it.
import { helper } from "./place.ts";

/** The notification fd s6-supervise gives the bridge (never the daemon: the bridge closes it before the exec); the forking keeper's too. */
export const SD_NOTIFY_FD = 3;

/** The command line that runs command (sh, already quoted) behind the bridge. */
export const behindSdNotify = (command: string) => `${helper("sd-notify")} ${SD_NOTIFY_FD} ${command}`;
