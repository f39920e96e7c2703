// Socket activation (systemd.socket(5)) as goetia does it: the sockets of a
// service's socket units are made when the service starts, by the helper
// initramfs/shim/sockets.c, and passed to it as systemd passes them (fds 3
// and up, LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES), so that a daemon
// written for it (dbus-daemon --address=systemd:) runs. What goetia does
// not do: hold the sockets while the service is down (a client that comes
// then is refused, not queued), and start the service at the first
// connection; it starts with the boot instead. A socket unit with Accept=yes
// (a service per connection) or a kind of listener goetia does not make
// leaves its service out, with the reason.
import { dirname } from "node:path";
import { shellQuote } from "../lib/sh.ts";
import { serviceName } from "./specifiers.ts";
import type { Unit } from "./unit.ts";

/** The listeners goetia makes, and the helper's name for their kind. */
const KINDS: Record<string, string> = { ListenStream: "stream", ListenDatagram: "dgram", ListenSequentialPacket: "seqpacket" };

/** The listeners it does not make. */
const OTHER_LISTENERS = ["ListenFIFO", "ListenSpecial", "ListenNetlink", "ListenMessageQueue", "ListenUSBFunction"];

/** An address the helper takes: a path, @NAME, PORT, IPV4:PORT or [IPV6]:PORT. */
const ADDRESS = /^(\/.*|@.+|\d+|\d{1,3}(\.\d{1,3}){3}:\d+|\[[0-9A-Fa-f:.]+\]:\d+)$/;

/** Why a socket unit with Accept=yes starts no service goetia runs. */
export const PER_CONNECTION = "Accept=yes: a service per connection is not something goetia does";

/** The service a socket unit starts: Service=, or the one of its own name. */
export function activatedService(socket: Unit): string {
  return socket.value("Socket", "Service") ?? `${serviceName(socket.name.full)}.service`;
}

/** The sh a service's run script needs for its sockets: lines that run first, and the helper's arguments (sh words); or why it cannot have them. */
export function socketLines(sockets: Unit[]): { lines: string[]; args: string } | { leftOut: string } {
  const lines: string[] = [];
  const args: string[] = [];
  for (const [index, socket] of sockets.entries()) {
    const name = socket.name.full;
    if (socket.boolean("Socket", "Accept") === true) return { leftOut: `${name} has ${PER_CONNECTION}` };
    const other = OTHER_LISTENERS.find((key) => socket.has("Socket", key));
    if (other !== undefined) return { leftOut: `${name} has ${other}=: goetia makes stream, datagram and sequential-packet sockets only` };
    const owner = ownerLines(socket, index);
    lines.push(...owner.lines);
    const mode = octal(socket, "SocketMode", "0666");
    const directoryMode = octal(socket, "DirectoryMode", "0755");
    args.push("-m", mode, "-n", shellQuote(socket.value("Socket", "FileDescriptorName") ?? name), ...owner.args);
    const backlog = socket.value("Socket", "Backlog");
    if (backlog !== undefined && /^\d+$/.test(backlog)) args.push("-b", backlog);
    else if (backlog !== undefined) socket.warn("Socket", "Backlog", `"${backlog}" is not a number: ignored`);
    const only = socket.value("Socket", "BindIPv6Only") ?? "default";
    if (only === "ipv6-only") args.push("-6");
    else if (only !== "default" && only !== "both") socket.warn("Socket", "BindIPv6Only", `"${only}" is not default, both or ipv6-only: as default`);
    for (const [key, kind] of Object.entries(KINDS)) {
      for (const { value: address } of socket.list("Socket", key, { whole: true })) {
        if (!ADDRESS.test(address)) return { leftOut: `${name} has ${key}=${address}: goetia reads a path, @NAME, PORT, IPV4:PORT or [IPV6]:PORT` };
        if (address.startsWith("/")) lines.push(`mkdir -p -m ${directoryMode} ${shellQuote(dirname(address))} || exit 111`);
        args.push("-t", kind, shellQuote(address));
      }
    }
    if (!Object.keys(KINDS).some((key) => socket.has("Socket", key))) return { leftOut: `${name} listens on nothing (no ListenStream=, ListenDatagram= or ListenSequentialPacket=)` };
    socket.markUsed("Socket", "Service");
    socket.markUsed("Socket", "RemoveOnStop"); // the next start replaces the file; /run goes with the machine
  }
  return { lines, args: args.join(" ") };
}

/** An octal mode key's value, or its default (told) when it is none. */
function octal(socket: Unit, key: string, otherwise: string): string {
  const mode = socket.value("Socket", key);
  if (mode === undefined) return otherwise;
  if (/^[0-7]{3,4}$/.test(mode)) return mode;
  socket.warn("Socket", key, `"${mode}" is not an octal mode: ${otherwise} instead`);
  return otherwise;
}

/** SocketUser= and SocketGroup= (root's unless set) as numbers, which the helper takes; looked up when the service starts. */
function ownerLines(socket: Unit, index: number): { lines: string[]; args: string[] } {
  const user = socket.value("Socket", "SocketUser");
  const group = socket.value("Socket", "SocketGroup");
  if (user === undefined && group === undefined) return { lines: [], args: [] };
  const variable = `socket_owner_${index}`;
  const uid = user === undefined ? "0" : `$(id -u ${shellQuote(user)})`;
  const gid = group === undefined ? "0" : `$(getent group ${shellQuote(group)} | cut -d: -f3)`;
  const lines = [`${variable}=${uid}:${gid}`, `case $${variable} in *[0-9]:[0-9]*) ;; *) echo ${shellQuote(`${socket.name.full}: no user ${user ?? "root"} or group ${group ?? "root"}`)} >&2; exit 111 ;; esac`];
  return { lines, args: ["-o", `"$${variable}"`] };
}
