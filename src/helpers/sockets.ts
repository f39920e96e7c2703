// A socket-activated daemon's sockets, as systemd passes them (fds 3 and
// up, LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES): the helper,
// initramfs/shim/sockets.c, makes them and execs the daemon, which stays
// the process s6-supervise started (or the one the sd_notify bridge
// became: the bridge has closed its notification fd before).
import { helper } from "./place.ts";

/** The command line that runs command (sh) with the sockets args (sh words: the helper's options and addresses) make. */
export const withSockets = (args: string, command: string) => `${helper("sockets")} ${args} -- ${command}`;
