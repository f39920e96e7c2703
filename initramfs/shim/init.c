/*
 * /sbin/init (and an initramfs's /init): the first program the kernel runs,
 * and stage 1 on the path every boot takes.
 *
 * goetia's stage 1 (src/boot/stage1.ts) is a Bun program, and Bun's own
 * start costs about 0.7 s of CPU under emulation before stage 1 does
 * anything. Where the boot is plain (a compiled bring-up, a command line
 * without quotes or an emergency word, an envdir of plain text), this
 * program does what stage 1 does, in its order, with the names and words
 * generated from its sources into init.h: the early mounts, the bundle,
 * the boot record's first lines, the tree's environment, the bring-up's
 * foreground under the change lock, then exec s6-svscan as PID 1. Anything
 * else is goetia's, whole: before it has started the bring-up, this
 * program execs goetia's stage 1 in its place (having undone the record),
 * and after, goetia under STAGE1_FAILED_NAME, which tells why and starts
 * the emergency shell. test/unit/init-shim.test.ts holds the two to the
 * same reading of the command line and the envdir. If goetia cannot be
 * run: a word of why and a shell, and if even that fails, stay alive and
 * quiet (PID 1 exiting is a kernel panic).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One of stage 1's early mounts (EARLY_MOUNTS, in init.h). */
struct early_mount {
  char const *source, *target, *type;
  unsigned long flags;
  char const *data;
};

#include "dirs.h"
#include "init.h"

static char **kernel_argv, **kernel_envp;

static void say(char const *what, char const *path, int err)
{
  char const *reason = strerror(err);
  (void)!write(2, "init: ", 6);
  (void)!write(2, what, strlen(what));
  (void)!write(2, path, strlen(path));
  (void)!write(2, ": ", 2);
  (void)!write(2, reason, strlen(reason));
  (void)!write(2, "\n", 1);
}

/* goetia as PID 1 under name: its stage 1, or (reason set) the word of a failure and the emergency shell. */
static void __attribute__((noreturn)) goetia(char const *name, char const *reason)
{
  static char variable[4096];
  char *failed_env[] = { variable, 0 };
  if (reason) snprintf(variable, sizeof variable, "%s=%s", FAILURE_VARIABLE, reason);
  kernel_argv[0] = (char *)name;
  execve(GOETIA, kernel_argv, reason ? failed_env : kernel_envp);
  say("cannot exec ", GOETIA, errno);
  (void)!write(2, "init: starting an emergency shell\n", 34);
  static char *const shell[] = { "/bin/sh", 0 };
  execve(shell[0], shell, kernel_envp);
  say("cannot exec ", shell[0], errno);
  for (;;) pause();
}

/* Stage 1 proper does this boot: nothing done so far differs from what it does. */
#define HAND_OVER() goetia(GOETIA, 0)

static char failure[1024];

/* A failure after the bring-up has started, worded as stage 1 words a libc call's. */
static void __attribute__((noreturn)) failed(char const *call, char const *path)
{
  snprintf(failure, sizeof failure, "%s %s: %s (errno %d)", call, path, strerror(errno), errno);
  goetia(STAGE1_FAILED_NAME, failure);
}

static uint64_t now_ns(clockid_t clock)
{
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A small file's whole text, NUL-terminated; its length, or -1. */
static ssize_t read_text(char const *path, char *buffer, size_t size)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd == -1) return -1;
  size_t length = 0;
  for (ssize_t n; length < size - 1; length += (size_t)n) {
    n = read(fd, buffer + length, size - 1 - length);
    if (n == -1) {
      close(fd);
      return -1;
    }
    if (n == 0) break;
  }
  close(fd);
  buffer[length] = 0;
  return length < size - 1 ? (ssize_t)length : -1;
}

/* A folder made, with those above it, as stage 1 makes them; what cannot be made fails what comes next. */
static void make_folder(char const *path)
{
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  make_dirs(dir, 0755);
}

/* Whether option is one of the comma-separated options. */
static int has_option(char const *options, char const *option)
{
  size_t length = strlen(option);
  for (char const *at = options; (at = strstr(at, option)); at += length)
    if ((at == options || at[-1] == ',') && (at[length] == ',' || at[length] == 0)) return 1;
  return 0;
}

/* The early mounts stage 1 makes, each where nothing is mounted yet; /run made fit to run programs from. */
static void mount_early(void)
{
  static char mounts[65536];
  static struct early_mount const early[] = EARLY_MOUNTS;
  size_t const count = sizeof early / sizeof *early;
  int mounted[sizeof early / sizeof *early] = { 0 };
  int run_noexec = 0;
  if (read_text("/proc/mounts", mounts, sizeof mounts) == -1) HAND_OVER();
  for (char *line = mounts, *next; *line; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = 0;
    else next = line + strlen(line);
    char target[4096], options[4096];
    if (sscanf(line, "%*s %4095s %*s %4095s", target, options) != 2) continue;
    for (size_t i = 0; i < count; i++)
      if (!strcmp(target, early[i].target)) mounted[i] = 1;
    if (!strcmp(target, "/run")) run_noexec = has_option(options, "noexec");
  }
  for (size_t i = 0; i < count; i++) {
    if (mounted[i]) continue;
    make_folder(early[i].target);
    if (mount(early[i].source, early[i].target, early[i].type, early[i].flags, early[i].data) == -1) HAND_OVER();
  }
  if (run_noexec && mount(0, "/run", 0, MS_REMOUNT | MS_NOSUID | MS_NODEV, 0) == -1) HAND_OVER();
  reboot(RB_DISABLE_CAD);
}

static int blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

/* The kernel's words, split as it splits them where none is quoted: the bundle asked for, and quiet; 0 where stage 1 must read them. */
static int parse_cmdline(char *text, char const **bundle, int *quiet)
{
  static char const *const emergency[] = EMERGENCY_FLAGS;
  if (strchr(text, '"')) return 0;
  *bundle = "";
  *quiet = 0;
  for (char *word = text; *word;) {
    while (blank(*word)) word++;
    if (!*word) break;
    char *end = word;
    while (*end && !blank(*end)) end++;
    if (*end) *end++ = 0;
    char *equals = strchr(word + 1, '=');
    if (!equals && !strcmp(word, "--")) break;
    if (!equals) {
      for (size_t i = 0; emergency[i]; i++)
        if (!strcmp(word, emergency[i])) return 0;
      if (!strcmp(word, QUIET_FLAG)) *quiet = 1;
    } else if ((size_t)(equals - word) == strlen(BUNDLE_PARAM) && !strncmp(word, BUNDLE_PARAM, strlen(BUNDLE_PARAM))) {
      *bundle = equals + 1;
    }
    word = end;
  }
  if (!**bundle) *bundle = DEFAULT_BUNDLE;
  return 1;
}

/* What this boot's record is kept under: when the kernel started, in UTC, and the start of its boot id. */
static void boot_name(char *name, size_t size)
{
  char id[64];
  if (read_text("/proc/sys/kernel/random/boot_id", id, sizeof id) < 8) HAND_OVER();
  time_t kernel_start = (time_t)((now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC)) / 1000000000u);
  struct tm utc;
  gmtime_r(&kernel_start, &utc);
  snprintf(name, size, "%04d-%02d-%02dT%02d%02d%02d-%.8s", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, id);
}

/* Lines of the boot record; never a failure, as stage 1's record is only a record. */
static void note(char const *line)
{
  int fd = open(BOOT_RECORD, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd == -1) return;
  (void)!write(fd, line, strlen(line));
  close(fd);
}

#define MAX_VARIABLES 256
static char *environment[MAX_VARIABLES + 2];
static size_t variables;

/* Sets name=value (name's length given) in the environment, or unsets it with value 0. */
static void set_variable(char const *name, size_t length, char const *value)
{
  size_t i = 0;
  while (i < variables && !(strncmp(environment[i], name, length) == 0 && environment[i][length] == '=')) i++;
  if (!value) {
    if (i < variables) environment[i] = environment[--variables];
    environment[variables] = 0;
    return;
  }
  if (i == variables && variables == MAX_VARIABLES) HAND_OVER();
  size_t size = length + strlen(value) + 2;
  char *variable = malloc(size);
  if (!variable) HAND_OVER();
  snprintf(variable, size, "%.*s=%s", (int)length, name, value);
  environment[i] = variable;
  if (i == variables) environment[++variables] = 0;
}

/* An envdir's settings (s6-envdir's format) applied to the environment, as stage 1 reads them; 0 where stage 1 must. */
static int apply_envdir(char const *path)
{
  DIR *dir = opendir(path);
  if (!dir) return errno == ENOENT;
  int plain = 1;
  for (struct dirent *entry; plain && (entry = readdir(dir));) {
    char const *name = entry->d_name;
    if (entry->d_type == DT_DIR || name[0] == '.' || strchr(name, '=')) continue;
    char file[4096], value[4096];
    snprintf(file, sizeof file, "%s/%s", path, name);
    ssize_t length = read_text(file, value, sizeof value);
    plain = length != -1;
    for (char const *c = name; plain && *c; c++) plain = (unsigned char)*c < 0x80;
    /* The first line, its NULs newlines, its blanks at the end gone: text only (stage 1 reads UTF-8 as such). */
    char *newline = plain ? memchr(value, '\n', (size_t)length) : 0;
    if (newline) length = newline - value;
    for (ssize_t i = 0; plain && i < length; i++) {
      plain = (unsigned char)value[i] < 0x80;
      if (!value[i]) value[i] = '\n';
    }
    if (!plain) break;
    while (length > 0 && blank(value[length - 1])) length--;
    value[length] = 0;
    set_variable(name, strlen(name), length ? value : 0);
  }
  closedir(dir);
  return plain;
}

/* The compiled bring-up, its foreground to its end, holding the change lock on descriptor 3: its exit code. */
static int bring_up(int lock, char const *bundle, char const *boot, int quiet)
{
  char offset_us[32];
  snprintf(offset_us, sizeof offset_us, "%llu", (unsigned long long)((now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC)) / 1000u));
  static char const *const shells[] = BRINGUP_SHELLS;
  char const *shell = 0;
  for (size_t i = 0; shells[i]; i++) {
    shell = shells[i];
    if (access(shell, R_OK) == 0) break;
  }
  char *argv[] = { (char *)shell, BRINGUP, (char *)bundle, offset_us, (char *)boot, quiet ? "quiet" : "", 0 };
  pid_t child = fork();
  if (child == -1) failed("fork", BRINGUP);
  if (child == 0) {
    int null = open("/dev/null", O_RDONLY);
    if (null == -1 || dup2(null, 0) == -1 || dup2(lock, 3) == -1 || fcntl(3, F_SETFD, 0) == -1 || chdir("/") == -1) _exit(111);
    execve(shell, argv, environment);
    _exit(127);
  }
  int status;
  while (waitpid(child, &status, 0) == -1)
    if (errno != EINTR) failed("waitpid", BRINGUP);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

int main(int argc, char **argv, char **envp)
{
  (void)argc;
  kernel_argv = argv;
  kernel_envp = envp;
  uint64_t started = now_ns(CLOCK_MONOTONIC);

  /* Bun aborts at start without /proc: mounted first, unless a boot initramfs did. */
  if (access("/proc/self", F_OK) == -1 && mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0) == -1)
    say("cannot mount ", "/proc", errno);
  if (access(BRINGUP, R_OK) == -1) HAND_OVER();
  umask(022);
  mount_early();

  static char cmdline[8192];
  char const *bundle;
  int quiet;
  if (read_text("/proc/cmdline", cmdline, sizeof cmdline) == -1 || !parse_cmdline(cmdline, &bundle, &quiet)) HAND_OVER();
  char boot[64];
  boot_name(boot, sizeof boot);
  set_variable("PATH", 4, DEFAULT_PATH);
  if (!apply_envdir(ENV_DIR)) HAND_OVER();
  set_variable(BUNDLE_PARAM, strlen(BUNDLE_PARAM), bundle);

  make_folder(BOOT_RECORD_DIR);
  int lock = open(TREE_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (lock == -1 || flock(lock, LOCK_EX | LOCK_NB) == -1) HAND_OVER();
  printf("goetia: stage 1: bundle %s\n", bundle);
  fflush(stdout);
  char line[256];
  snprintf(line, sizeof line, "%s 0 %s\n%s %llu\n", BOOT_MARK, boot, STAGE1_MARK, (unsigned long long)started);
  note(line);

  int code = bring_up(lock, bundle, boot, quiet);
  close(lock);
  if (code == BRINGUP_SOURCES_CHANGED) {
    unlink(BOOT_RECORD);
    HAND_OVER();
  }
  if (code != BRINGUP_PREPARED) {
    snprintf(failure, sizeof failure, "the bring-up %s exited %d", BRINGUP, code);
    goetia(STAGE1_FAILED_NAME, failure);
  }

  int console = open("/dev/console", O_WRONLY | O_NOCTTY);
  if (console == -1) failed("open", "/dev/console");
  if (dup2(console, CONSOLE_FD) == -1) failed("dup2", "/dev/console");
  if (console != CONSOLE_FD) close(console);
  int catch_all = open(CATCH_ALL_FIFO, O_RDWR | O_CLOEXEC);
  if (catch_all == -1) failed("open", CATCH_ALL_FIFO);
  int null = open("/dev/null", O_RDONLY);
  if (null == -1) failed("open", "/dev/null");
  if (dup2(catch_all, 1) == -1 || dup2(catch_all, 2) == -1 || dup2(null, 0) == -1) failed("dup2", CATCH_ALL_FIFO);
  close(catch_all);
  close(null);
  snprintf(line, sizeof line, "%s %llu\n", SVSCAN_MARK, (unsigned long long)now_ns(CLOCK_MONOTONIC));
  note(line);
  char *svscan[] = SVSCAN_ARGV;
  execve(SVSCAN, svscan, environment);
  failed("execve", SVSCAN);
}
