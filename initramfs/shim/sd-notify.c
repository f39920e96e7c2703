/*
 * sd-notify FD PROG...: runs PROG, a daemon that tells its readiness the
 * systemd way (a datagram "READY=1" to $NOTIFY_SOCKET), under s6, which
 * waits for a line on its notification fd FD.
 *
 * The daemon must stay the process s6-supervise started (it signals it),
 * so this process execs PROG, and a grandchild, reparented to PID 1 as s6's
 * own helpers are, listens on an abstract socket named after the daemon's
 * pid. On READY=1 it writes a newline to FD and exits; it also exits when
 * the daemon dies unready. The daemon never holds FD itself: s6 would take
 * its death for nothing, and a write from it for readiness.
 *
 * Exit codes, as s6's: 100 usage, 111 system.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROGRAM "sd-notify"
#include "fail.h"

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

/* The grandchild's work: wait for READY=1 from the daemon, or its death. */
static void listen_for(int socket_fd, int notification_fd, pid_t daemon)
{
  char message[4096];
  struct pollfd incoming = { .fd = socket_fd, .events = POLLIN };
  for (;;) {
    int ready = poll(&incoming, 1, 1000);
    if (ready == -1 && errno != EINTR) die(111, "poll");
    if (ready > 0) {
      ssize_t got = recv(socket_fd, message, sizeof message, 0);
      if (got == -1 && errno != EINTR) die(111, "recv");
      if (got > 0 && says_ready(message, (size_t)got)) {
        if (write(notification_fd, "\n", 1) != 1) die(111, "write to the notification fd");
        _exit(0);
      }
    }
    if (kill(daemon, 0) == -1 && errno == ESRCH) _exit(1);
  }
}

int main(int argc, char **argv)
{
  if (argc < 3) {
    (void)!write(2, "usage: sd-notify FD PROG...\n", 28);
    return 100;
  }
  char *end;
  long fd = strtol(argv[1], &end, 10);
  if (*end || end == argv[1] || fd < 0 || fd > 1023) {
    say("FD must be a file descriptor number");
    return 100;
  }
  int notification_fd = (int)fd;
  if (fcntl(notification_fd, F_GETFD) == -1) die(111, "the notification fd");

  pid_t daemon = getpid();
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  int name_length = snprintf(address.sun_path + 1, sizeof address.sun_path - 1, "goetia/sd-notify/%d", (int)daemon);
  socklen_t address_length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + name_length);
  int socket_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (socket_fd == -1) die(111, "socket");
  if (bind(socket_fd, (struct sockaddr *)&address, address_length) == -1) die(111, "bind");

  pid_t child = fork();
  if (child == -1) die(111, "fork");
  if (child == 0) {
    pid_t grandchild = fork();
    if (grandchild == -1) die(111, "fork");
    if (grandchild > 0) _exit(0);
    listen_for(socket_fd, notification_fd, daemon);
  }
  while (waitpid(child, 0, 0) == -1)
    if (errno != EINTR) die(111, "waitpid");

  char name[sizeof address.sun_path + 1] = "@";
  memcpy(name + 1, address.sun_path + 1, (size_t)name_length + 1);
  if (setenv("NOTIFY_SOCKET", name, 1) == -1) die(111, "setenv");
  if (close(notification_fd) == -1) die(111, "close the notification fd");
  execvp(argv[2], argv + 2);
  die(111, argv[2]);
}
