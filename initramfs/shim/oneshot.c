/*
 * oneshot [-n NICE] [-c NAME] [-p DIR] [-e FD:WORD] EXIT_FILE PROG...: runs
 * a oneshot's command line, PROG, for goetia: the boot's bring-up and the
 * engine both start every oneshot through this one program.
 *
 * It becomes the leader of a process group of its own (unless it already
 * is one), so that a timeout ends all PROG started; with -n it runs NICE
 * notches nicer, as nice(1) would, and so does everything it starts. PROG
 * is run and waited for; its exit code (128 + N when signal N killed it,
 * as a shell's $?) is written into EXIT_FILE, where a later goetia finds it
 * should the caller be killed first, and is this program's own. With -e,
 * the line "WORD CODE" then goes to FD too: the bring-up, which starts
 * many at once, hears there which one ended, and how.
 *
 * With -p, PROG is looked for, and runs, with DIR first in its PATH: an
 * execline command line's words run as execlineb would run them, where
 * Debian's execlineb puts execline's own programs (exit, redirfd...).
 *
 * With -c, PROG's lines (stdout and stderr) go on to stdout, and to fd 4
 * as "NAME: line": a child of this process copies them from a pipe until
 * its end. PROG never holds fd 4. The copier may outlive this process: a
 * daemon PROG left behind may hold the pipe open for ever, and the oneshot
 * is done when PROG is.
 *
 * Exit codes: PROG's own; 126 when it cannot be run, 127 when it is not
 * found (a shell's); 100 usage, 111 system.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROGRAM "oneshot"
#define USAGE "usage: oneshot [-n NICE] [-c NAME] [-p DIR] [-e FD:WORD] EXIT_FILE PROG..."
#include "fail.h"

#define COPY_FD 4
#define LINE_BYTES 4096

/* Writes all of text, or gives up on a descriptor that no longer takes it (a console gone). */
static void put(int fd, char const *text, size_t length)
{
  while (length > 0) {
    ssize_t wrote = write(fd, text, length);
    if (wrote == -1 && errno == EINTR) continue;
    if (wrote <= 0) return;
    text += wrote;
    length -= (size_t)wrote;
  }
}

/* One line (without its newline) to stdout, and after NAME (a file's name: at most NAME_MAX) to COPY_FD. */
static void copy_line(char const *name, char const *line, size_t length)
{
  static char out[NAME_MAX + 2 + LINE_BYTES + 1];
  size_t name_length = strnlen(name, NAME_MAX);
  memcpy(out, line, length);
  out[length] = '\n';
  put(1, out, length + 1);
  memcpy(out, name, name_length);
  memcpy(out + name_length, ": ", 2);
  memcpy(out + name_length + 2, line, length);
  out[name_length + 2 + length] = '\n';
  put(COPY_FD, out, name_length + 2 + length + 1);
}

/* The copier: the pipe's lines until its end, a last line without a newline included; a line longer than the buffer goes in pieces. */
static void copy_lines(int from, char const *name)
{
  char buffer[LINE_BYTES];
  size_t held = 0;
  signal(SIGPIPE, SIG_IGN);
  for (;;) {
    ssize_t got = read(from, buffer + held, sizeof buffer - held);
    if (got == -1 && errno == EINTR) continue;
    if (got <= 0) break;
    held += (size_t)got;
    size_t start = 0;
    for (char *eol; (eol = memchr(buffer + start, '\n', held - start));) {
      copy_line(name, buffer + start, (size_t)(eol - (buffer + start)));
      start = (size_t)(eol - buffer) + 1;
    }
    if (start == 0 && held == sizeof buffer) {
      copy_line(name, buffer, held);
      held = 0;
      continue;
    }
    memmove(buffer, buffer + start, held - start);
    held -= start;
  }
  if (held > 0) copy_line(name, buffer, held);
  _exit(0);
}

/* Writes code and a newline into path; a failure is told, and the code still returned. */
static void record(char const *path, int code)
{
  char text[16];
  int length = snprintf(text, sizeof text, "%d\n", code);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd == -1) {
    say("cannot record the exit code: open failed");
    return;
  }
  if (write(fd, text, (size_t)length) != length) say("cannot record the exit code: write failed");
  close(fd);
}

int main(int argc, char **argv)
{
  char const *name = 0;
  char const *first_in_path = 0;
  int outcome_fd = -1;
  char const *outcome_word = 0;
  int opt;
  while ((opt = getopt(argc, argv, "+n:c:p:e:")) != -1) {
    switch (opt) {
    case 'n': {
      char *end;
      long notches = strtol(optarg, &end, 10);
      if (*end || end == optarg || notches < -40 || notches > 40) usage("NICE must be a number of notches");
      errno = 0;
      if (nice((int)notches) == -1 && errno) say("cannot set the niceness: PROG runs as it is"); /* as nice(1) does */
      break;
    }
    case 'c': name = optarg; break;
    case 'p': first_in_path = optarg; break;
    case 'e': {
      char *end;
      long fd = strtol(optarg, &end, 10);
      if (*end != ':' || end == optarg || fd < 0 || fd > 1023) usage("-e takes FD:WORD");
      outcome_fd = (int)fd;
      outcome_word = end + 1;
      if (fcntl(outcome_fd, F_SETFD, FD_CLOEXEC) == -1) die(111, "the outcome's fd");
      break;
    }
    default: usage("unknown option");
    }
  }
  if (argc - optind < 2) usage("an exit file and a program are needed");
  char const *exit_file = argv[optind];
  char **prog = argv + optind + 1;

  if (setsid() == -1 && getpgrp() != getpid()) die(111, "setsid");

  int lines[2] = { -1, -1 };
  if (name) {
    if (pipe(lines) == -1) die(111, "pipe");
    pid_t copier = fork();
    if (copier == -1) die(111, "fork");
    if (copier == 0) {
      close(lines[1]);
      if (outcome_fd >= 0) close(outcome_fd);
      copy_lines(lines[0], name);
    }
    close(lines[0]);
  }

  pid_t child = fork();
  if (child == -1) die(111, "fork");
  if (child == 0) {
    if (name) {
      if (dup2(lines[1], 1) == -1 || dup2(lines[1], 2) == -1) die(111, "dup2");
      close(lines[1]);
      close(COPY_FD);
    }
    if (first_in_path) {
      char const *path = getenv("PATH");
      if (!path) path = "/usr/bin:/bin";
      size_t length = strlen(first_in_path) + 1 + strlen(path) + 1;
      char *joined = malloc(length);
      if (!joined) die(111, "malloc");
      snprintf(joined, length, "%s:%s", first_in_path, path);
      if (setenv("PATH", joined, 1) == -1) die(111, "setenv");
    }
    execvp(prog[0], prog);
    int code = errno == ENOENT ? 127 : 126;
    die(code, prog[0]);
  }
  if (name) close(lines[1]);

  int status;
  while (waitpid(child, &status, 0) == -1)
    if (errno != EINTR) die(111, "waitpid");
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  record(exit_file, code);
  if (outcome_fd >= 0 && dprintf(outcome_fd, "%s %d\n", outcome_word, code) < 0) die(111, "write the outcome");
  return code;
}
