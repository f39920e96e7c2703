/*
 * sockets [OPTION... ADDRESS]... -- PROG...: the sockets a socket-activated
 * daemon expects from systemd (systemd.socket(5): ListenStream=,
 * ListenDatagram=, ListenSequentialPacket=), made and passed the way
 * sd_listen_fds(3) reads them: on fds 3 and up, counted in LISTEN_FDS,
 * named in LISTEN_FDNAMES, for the process LISTEN_PID. PROG is exec'd, so
 * it is that process (and the one s6-supervise started).
 *
 * An ADDRESS is a path (a Unix socket, any old one there replaced), @NAME
 * (an abstract one), PORT (IPv6 and IPv4 both, or IPv4 where the kernel
 * has no IPv6), IPV4:PORT or [IPV6]:PORT. The options before it say how:
 *   -t stream|dgram|seqpacket  its kind (stream)
 *   -m MODE       a Unix socket's mode, octal (0666)
 *   -o UID:GID    a Unix socket's owner (root)
 *   -b BACKLOG    how many connections may wait (SOMAXCONN)
 *   -6            an IPv6 address takes IPv6 alone (BindIPv6Only=ipv6-only)
 *   -n NAME       its name in LISTEN_FDNAMES (unknown)
 * and, anywhere before --:
 *   -d FD         the service is ready once its sockets are made: a newline
 *                 on FD (s6's notification-fd), closed before PROG runs. A
 *                 client's connection or datagram waits in the socket for
 *                 the daemon, as under systemd's socket activation.
 *
 * Exit codes, as s6's: 100 usage, 111 system.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#define PROGRAM "sockets"
#define USAGE "usage: sockets [-d FD] [-t stream|dgram|seqpacket] [-m MODE] [-o UID:GID] [-b BACKLOG] [-6] [-n NAME] ADDRESS... -- PROG..."
#include "fail.h"

#define MAX_SOCKETS 64

struct how {
  int type;
  mode_t mode;
  uid_t uid;
  gid_t gid;
  int owned;
  int backlog;
  int v6_only;
  char const *name;
};

static long number(char const *text, int base, char const *what)
{
  char *end;
  long value = strtol(text, &end, base);
  if (*text == 0 || *end != 0 || value < 0) usage(what);
  return value;
}

static int bound_unix(char const *address, struct how const *how)
{
  struct sockaddr_un where = { .sun_family = AF_UNIX };
  size_t length = strlen(address);
  if (length >= sizeof where.sun_path) usage("a Unix socket's path is too long");
  memcpy(where.sun_path, address, length);
  socklen_t size = offsetof(struct sockaddr_un, sun_path) + length + 1;
  if (address[0] == '@') {
    where.sun_path[0] = 0; /* abstract: no file, and no terminating nul in its name */
    size--;
  }
  int fd = socket(AF_UNIX, how->type | SOCK_CLOEXEC, 0);
  if (fd == -1) die(111, "socket");
  if (address[0] == '/') {
    struct stat old;
    if (lstat(address, &old) == 0 && S_ISSOCK(old.st_mode) && unlink(address) == -1) die(111, address);
  }
  mode_t mask = umask(~how->mode & 0777);
  if (bind(fd, (struct sockaddr *)&where, size) == -1) die(111, address);
  umask(mask);
  /* Never through a link another may have put in the socket's place since the bind. */
  if (address[0] == '/' && how->owned && fchownat(AT_FDCWD, address, how->uid, how->gid, AT_SYMLINK_NOFOLLOW) == -1) die(111, address);
  return fd;
}

/* [IPV6]:PORT, IPV4:PORT or PORT, into where; 0 when it is none of them. */
static int inet_address(char const *address, struct sockaddr_storage *where, int ipv6_supported)
{
  char host[64] = "";
  char const *port = address;
  if (address[0] == '[') {
    char const *close = strchr(address, ']');
    if (!close || close[1] != ':' || (size_t)(close - address - 1) >= sizeof host) return 0;
    memcpy(host, address + 1, close - address - 1);
    port = close + 2;
  } else if (strchr(address, ':')) {
    char const *colon = strrchr(address, ':');
    if ((size_t)(colon - address) >= sizeof host) return 0;
    memcpy(host, address, colon - address);
    port = colon + 1;
  }
  char *end;
  long value = strtol(port, &end, 10);
  if (*port == 0 || *end != 0 || value < 1 || value > 65535) return 0;
  struct sockaddr_in6 *six = (struct sockaddr_in6 *)where;
  struct sockaddr_in *four = (struct sockaddr_in *)where;
  memset(where, 0, sizeof *where);
  if (host[0] == 0 && ipv6_supported) {
    six->sin6_family = AF_INET6;
    six->sin6_addr = in6addr_any;
    six->sin6_port = htons((unsigned short)value);
  } else if (host[0] == 0) {
    four->sin_family = AF_INET;
    four->sin_addr.s_addr = htonl(INADDR_ANY);
    four->sin_port = htons((unsigned short)value);
  } else if (address[0] == '[') {
    six->sin6_family = AF_INET6;
    six->sin6_port = htons((unsigned short)value);
    if (inet_pton(AF_INET6, host, &six->sin6_addr) != 1) return 0;
  } else {
    four->sin_family = AF_INET;
    four->sin_port = htons((unsigned short)value);
    if (inet_pton(AF_INET, host, &four->sin_addr) != 1) return 0;
  }
  return 1;
}

static int bound_inet(char const *address, struct how const *how)
{
  int probe = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe >= 0) close(probe);
  struct sockaddr_storage where;
  if (!inet_address(address, &where, probe >= 0)) usage("an address is a path, @NAME, PORT, IPV4:PORT or [IPV6]:PORT");
  int fd = socket(where.ss_family, how->type | SOCK_CLOEXEC, 0);
  if (fd == -1) die(111, address);
  int yes = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == -1) die(111, "setsockopt SO_REUSEADDR");
  if (where.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &how->v6_only, sizeof how->v6_only) == -1) die(111, "setsockopt IPV6_V6ONLY");
  socklen_t size = where.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
  if (bind(fd, (struct sockaddr *)&where, size) == -1) die(111, address);
  return fd;
}

int main(int argc, char **argv)
{
  struct how how = { .type = SOCK_STREAM, .mode = 0666, .backlog = SOMAXCONN, .name = "unknown" };
  int made[MAX_SOCKETS];
  char names[4096] = "";
  int count = 0;
  int notification_fd = -1;
  int i = 1;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    char const *arg = argv[i];
    int takes_value = arg[0] == '-' && strchr("tmobnd", arg[1]) && arg[2] == 0;
    if (takes_value && i + 1 >= argc) usage("an option lacks its value");
    char const *value = takes_value ? argv[++i] : 0;
    if (strcmp(arg, "-t") == 0) {
      how.type = strcmp(value, "stream") == 0 ? SOCK_STREAM : strcmp(value, "dgram") == 0 ? SOCK_DGRAM : strcmp(value, "seqpacket") == 0 ? SOCK_SEQPACKET : -1;
      if (how.type == -1) usage("-t is stream, dgram or seqpacket");
    } else if (strcmp(arg, "-m") == 0) how.mode = (mode_t)number(value, 8, "-m takes an octal mode");
    else if (strcmp(arg, "-b") == 0) how.backlog = (int)number(value, 10, "-b takes a number");
    else if (strcmp(arg, "-n") == 0) how.name = value;
    else if (strcmp(arg, "-d") == 0) notification_fd = (int)number(value, 10, "-d takes a descriptor");
    else if (strcmp(arg, "-6") == 0) how.v6_only = 1;
    else if (strcmp(arg, "-o") == 0) {
      char const *colon = strchr(value, ':');
      if (!colon) usage("-o takes UID:GID");
      char uid[32] = "";
      if ((size_t)(colon - value) >= sizeof uid) usage("-o takes UID:GID");
      memcpy(uid, value, colon - value);
      how.uid = (uid_t)number(uid, 10, "-o takes UID:GID");
      how.gid = (gid_t)number(colon + 1, 10, "-o takes UID:GID");
      how.owned = 1;
    } else if (arg[0] == '-') usage("an unknown option");
    else {
      if (count == MAX_SOCKETS) usage("too many sockets");
      if (strchr(how.name, ':') || strlen(names) + strlen(how.name) + 2 > sizeof names) usage("a name holds a colon, or the names are too long");
      int fd = arg[0] == '/' || arg[0] == '@' ? bound_unix(arg, &how) : bound_inet(arg, &how);
      if (how.type != SOCK_DGRAM && listen(fd, how.backlog) == -1) die(111, arg);
      made[count++] = fd;
      if (count > 1) strcat(names, ":");
      strcat(names, how.name);
    }
  }
  if (i + 1 >= argc) usage("no program after --");
  /* Before the sockets move onto 3 and up, where the notification fd may be. */
  if (notification_fd >= 0) {
    if (write(notification_fd, "\n", 1) != 1) die(111, "write to the notification fd");
    close(notification_fd);
  }

  /* Onto 3, 4...: first above them all, so that no move overwrites one still to move. */
  for (int n = 0; n < count; n++) {
    int high = fcntl(made[n], F_DUPFD_CLOEXEC, 3 + count);
    if (high == -1) die(111, "fcntl F_DUPFD_CLOEXEC");
    close(made[n]);
    made[n] = high;
  }
  for (int n = 0; n < count; n++) {
    if (dup2(made[n], 3 + n) == -1) die(111, "dup2");
    close(made[n]);
  }
  char pid[16];
  snprintf(pid, sizeof pid, "%d", (int)getpid());
  char fds[16];
  snprintf(fds, sizeof fds, "%d", count);
  if (setenv("LISTEN_PID", pid, 1) == -1 || setenv("LISTEN_FDS", fds, 1) == -1 || setenv("LISTEN_FDNAMES", names, 1) == -1) die(111, "setenv");
  execvp(argv[i + 1], argv + i + 1);
  die(errno == ENOENT ? 127 : 126, argv[i + 1]);
}
