/*
 * sd-notify FD PROG...: runs PROG, a daemon that tells its readiness the
 * systemd way (a datagram "READY=1" to $NOTIFY_SOCKET), under s6, which
 * waits for a line on its notification fd FD.
 *
 * The daemon must stay the process s6-supervise started (it signals it),
 * so this process execs PROG, and a grandchild, reparented to PID 1 as s6's
 * own helpers are, listens on a socket named after the daemon's pid. On
 * READY=1 it writes a newline to FD and exits; it also exits when the
 * daemon dies unready. The daemon never holds FD itself: s6 would take its
 * death for nothing, and a write from it for readiness.
 *
 * Nobody else can tell the daemon ready, or keep it from starting: the
 * socket is a file in a folder only this process's user can write
 * (/run/goetia/notify for root, /run/user/UID/goetia-notify for a user's
 * tree), so no name can be taken ahead of it, and a datagram counts only
 * from the daemon or a process of its own (the kernel's SO_PASSCRED), as
 * systemd has it. Anyone may write to the socket, as to systemd's: the
 * daemon may have become another user by then.
 *
 * Exit codes, as s6's: 100 usage, 111 system.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROGRAM "sd-notify"
#define USAGE "usage: sd-notify FD PROG..."
#include "fail.h"
#include "proc.h"

/* Whether a datagram holds the line READY=1. */
static int says_ready(char const *message, size_t length)
{
  char const *line = message;
  char const *end = message + length;
  while (line < end) {
    char const *eol = memchr(line, '\n', end - line);
    size_t size = (eol ? eol : end) - line;
    if (size == 7 && memcmp(line, "READY=1", 7) == 0) return 1;
    line += size + 1;
  }
  return 0;
}

/* One datagram and its sender's pid (the kernel's word, not the sender's); the length, or -1. */
static ssize_t receive(int socket_fd, char *message, size_t size, pid_t *sender)
{
  union {
    struct cmsghdr align;
    char space[CMSG_SPACE(sizeof(struct ucred))];
  } control;
  struct iovec part = { .iov_base = message, .iov_len = size };
  struct msghdr header = { .msg_iov = &part, .msg_iovlen = 1, .msg_control = control.space, .msg_controllen = sizeof control.space };
  ssize_t got = recvmsg(socket_fd, &header, MSG_CMSG_CLOEXEC);
  *sender = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&header); got >= 0 && c; c = CMSG_NXTHDR(&header, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
      struct ucred credentials;
      memcpy(&credentials, CMSG_DATA(c), sizeof credentials);
      *sender = credentials.pid;
    }
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) /* fds sent along are not kept */
      for (int *fd = (int *)CMSG_DATA(c); (char *)fd < (char *)c + c->cmsg_len; fd++) close(*fd);
  }
  return got;
}

/* The grandchild's work: wait for READY=1 from the daemon, or its death; the socket's file goes either way. */
static void listen_for(int socket_fd, char const *path, int notification_fd, pid_t daemon)
{
  char message[4096];
  struct pollfd incoming = { .fd = socket_fd, .events = POLLIN };
  for (;;) {
    int ready = poll(&incoming, 1, 1000);
    if (ready == -1 && errno != EINTR) die(111, "poll");
    if (ready > 0) {
      pid_t sender;
      ssize_t got = receive(socket_fd, message, sizeof message, &sender);
      if (got == -1 && errno != EINTR) die(111, "recvmsg");
      if (got > 0 && says_ready(message, (size_t)got) && descends_from(sender, daemon)) {
        unlink(path);
        if (write(notification_fd, "\n", 1) != 1) die(111, "write to the notification fd");
        _exit(0);
      }
    }
    if (kill(daemon, 0) == -1 && errno == ESRCH) {
      unlink(path);
      _exit(1);
    }
  }
}

/* The folder of this user's sockets, made if missing; dies unless it is theirs alone to write. */
static void own_folder(char *folder, size_t size)
{
  uid_t uid = geteuid();
  if (uid == 0) {
    if (mkdir("/run/goetia", 0755) == -1 && errno != EEXIST) die(111, "mkdir /run/goetia");
    snprintf(folder, size, "/run/goetia/notify");
  } else {
    snprintf(folder, size, "/run/user/%u/goetia-notify", (unsigned)uid);
  }
  if (mkdir(folder, 0755) == -1 && errno != EEXIST) die(111, folder);
  struct stat st;
  if (lstat(folder, &st) == -1) die(111, folder);
  if (!S_ISDIR(st.st_mode) || st.st_uid != uid || (st.st_mode & 022)) {
    errno = EPERM;
    die(111, folder);
  }
}

int main(int argc, char **argv)
{
  if (argc < 3) usage(0);
  int notification_fd = fd_argument(argv[1]);
  if (fcntl(notification_fd, F_GETFD) == -1) die(111, "the notification fd");

  pid_t daemon = getpid();
  char folder[64];
  own_folder(folder, sizeof folder);
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  snprintf(address.sun_path, sizeof address.sun_path, "%s/%d", folder, (int)daemon);
  if (unlink(address.sun_path) == -1 && errno != ENOENT) die(111, address.sun_path); /* a daemon's of this pid before */
  int socket_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (socket_fd == -1) die(111, "socket");
  int on = 1;
  if (setsockopt(socket_fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == -1) die(111, "setsockopt SO_PASSCRED");
  mode_t mask = umask(0111);
  if (bind(socket_fd, (struct sockaddr *)&address, sizeof address) == -1) die(111, address.sun_path);
  umask(mask);

  pid_t child = fork();
  if (child == -1) die(111, "fork");
  if (child == 0) {
    pid_t grandchild = fork();
    if (grandchild == -1) die(111, "fork");
    if (grandchild > 0) _exit(0);
    listen_for(socket_fd, address.sun_path, notification_fd, daemon);
  }
  while (waitpid(child, 0, 0) == -1)
    if (errno != EINTR) die(111, "waitpid");

  if (setenv("NOTIFY_SOCKET", address.sun_path, 1) == -1) die(111, "setenv");
  if (close(notification_fd) == -1) die(111, "close the notification fd");
  execvp(argv[2], argv + 2);
  die(111, argv[2]);
}
