/*
 * forking FD PIDFILE PROG...: supervises a daemon that forks away (systemd's
 * Type=forking) under s6, which supervises this process. PROG is started
 * and waited for; when it exits 0, the daemon it left is the main process:
 * the pid in PIDFILE, or, for PIDFILE "-", the one child left. This process
 * is their subreaper, so the daemon becomes its child: a newline on FD says
 * it is ready, the signals s6 sends are passed on to it, and when it dies
 * this process exits as it did (the same code, or killed by the same
 * signal), after ending whatever it left behind.
 *
 * A PID file is trusted as systemd trusts it inside the service's cgroup:
 * its pid must be a process of this one's (its launcher's, reparented
 * here), so that a file naming another process (written by the daemon's
 * user, or left from before) never makes a stop kill that process. The
 * file is read without following a link, and must be a regular file.
 *
 * Exit codes, as s6's: 100 usage, 111 system; PROG's own when it fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROGRAM "forking"
#define USAGE "usage: forking FD PIDFILE PROG..."
#include "fail.h"
#include "proc.h"
#include <sys/stat.h>

/* The signals s6-svc sends, passed on to the daemon. */
static int const passed[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGCONT, SIGWINCH, SIGTSTP };
#define PASSED (sizeof passed / sizeof passed[0])

/* The pid in path, once the file holds one of this process's own; 0 after waiting ten seconds for it, -1 for a file not to be trusted. */
static pid_t pid_from_file(char const *path)
{
  for (int tries = 0; tries < 1000; tries++) {
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
    if (fd == -1 && errno == ELOOP) return -1;
    if (fd >= 0) {
      struct stat st;
      char text[32] = { 0 };
      int regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
      ssize_t got = regular ? read(fd, text, sizeof text - 1) : -1;
      close(fd);
      if (!regular) return -1;
      long pid = got > 0 ? strtol(text, 0, 10) : 0;
      if (pid > 1) return descends_from((pid_t)pid, getpid()) ? (pid_t)pid : -1;
    }
    struct timespec nap = { 0, 10 * 1000 * 1000 };
    nanosleep(&nap, 0);
  }
  return 0;
}

/* This process's children as /proc lists them (the kernel's CONFIG_PROC_CHILDREN), into text; its length. */
static ssize_t children(char *text, size_t size)
{
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t got = read(fd, text, size - 1);
  close(fd);
  text[got > 0 ? got : 0] = 0;
  return got;
}

/* The one child left once the launcher has gone. */
static pid_t only_child(void)
{
  char text[256];
  if (children(text, sizeof text) <= 0) return 0;
  char *end;
  long pid = strtol(text, &end, 10);
  return pid > 1 && (*end == ' ' || *end == '\n' || *end == 0) && strchr(end + 1, ' ') == 0 ? (pid_t)pid : 0;
}

/* Every process the launcher left (reparented here) killed and reaped: none runs on unsupervised. */
static void end_children(void)
{
  char text[4096];
  for (int round = 0; round < 100 && children(text, sizeof text) > 0; round++) {
    char *at = text, *end;
    for (long pid; (pid = strtol(at, &end, 10)) > 0 && end != at; at = end) kill((pid_t)pid, SIGKILL);
    struct timespec nap = { 0, 10 * 1000 * 1000 };
    nanosleep(&nap, 0);
    while (waitpid(-1, 0, WNOHANG) > 0) {}
  }
}

int main(int argc, char **argv)
{
  if (argc < 4) usage(0);
  int notification_fd = fd_argument(argv[1]);
  if (fcntl(notification_fd, F_SETFD, FD_CLOEXEC) == -1) die(111, "the notification fd");
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1) die(111, "prctl PR_SET_CHILD_SUBREAPER");

  sigset_t signals;
  sigemptyset(&signals);
  for (size_t i = 0; i < PASSED; i++) sigaddset(&signals, passed[i]);
  sigaddset(&signals, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &signals, 0) == -1) die(111, "sigprocmask");

  pid_t launcher = fork();
  if (launcher == -1) die(111, "fork");
  if (launcher == 0) {
    sigprocmask(SIG_UNBLOCK, &signals, 0);
    execvp(argv[3], argv + 3);
    die(127, argv[3]);
  }
  int status;
  while (waitpid(launcher, &status, 0) == -1)
    if (errno != EINTR) die(111, "waitpid");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    say("the daemon's launcher failed");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  pid_t daemon = strcmp(argv[2], "-") == 0 ? only_child() : pid_from_file(argv[2]);
  if (daemon == -1) {
    say("the PID file is a link, not a regular file, or names a process that is not the daemon's: refused");
    end_children();
    return 1;
  }
  if (daemon == 0) {
    say(strcmp(argv[2], "-") == 0 ? "no single daemon was left running" : "no pid in the PID file after 10 s");
    return 1;
  }
  if (write(notification_fd, "\n", 1) != 1) die(111, "write to the notification fd");
  close(notification_fd);

  for (;;) {
    siginfo_t info;
    if (sigwaitinfo(&signals, &info) == -1) {
      if (errno == EINTR) continue;
      die(111, "sigwaitinfo");
    }
    if (info.si_signo != SIGCHLD) {
      kill(daemon, info.si_signo);
      continue;
    }
    for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) {
      if (pid != daemon) continue;
      kill(-daemon, SIGKILL); /* what it left in its group */
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      signal(WTERMSIG(status), SIG_DFL);
      sigset_t own;
      sigemptyset(&own);
      sigaddset(&own, WTERMSIG(status));
      sigprocmask(SIG_UNBLOCK, &own, 0);
      raise(WTERMSIG(status));
      return 128 + WTERMSIG(status);
    }
  }
}
