/*
 * Processes as /proc tells them: a process's parent, and whether one
 * descends from another. The helpers that take a pid from elsewhere (a
 * datagram's sender, a PID file) accept only their daemon's own.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The parent of pid, from /proc/PID/stat; 0 when it is gone or cannot be read. */
static pid_t parent_of(pid_t pid)
{
  char path[64], text[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd == -1) return 0;
  ssize_t got = read(fd, text, sizeof text - 1);
  close(fd);
  if (got <= 0) return 0;
  text[got] = 0;
  char const *after_name = strrchr(text, ')'); /* the name may hold spaces and parentheses: the last ) ends it */
  int parent = 0;
  if (!after_name || sscanf(after_name, ") %*c %d", &parent) != 1) return 0;
  return (pid_t)parent;
}

/* Whether pid is ancestor or one of its descendants. */
static int descends_from(pid_t pid, pid_t ancestor)
{
  for (int depth = 0; pid > 1 && depth < 64; depth++, pid = parent_of(pid))
    if (pid == ancestor) return 1;
  return 0;
}
