/*
 * files OP ARG... [-- OP ARG...]...: the file work of the boot's
 * bring-up, in one static program. Before s6-svscan may start, the
 * bring-up checks its sources, fills the run directory and installs the
 * services' directories; coreutils' find, cp, mkdir, mkfifo and ln, each
 * linked dynamically, cost it 40 to 140 ms a start under emulation, on
 * the path of every service. The operations run in order; the first that
 * fails ends the program.
 *
 *   unchanged-since REF ROOT...  exits 1 if anything under a ROOT (itself
 *                                included, links not followed) was modified
 *                                after REF, as find ROOT -newer REF finds
 *                                it; a ROOT that is not there is unchanged,
 *                                one that is an earlier ROOT by another name
 *                                (/lib/systemd/system on a merged /usr) is
 *                                looked at once
 *   copy DIR SRC...              cp -a SRC DIR/: each SRC as DIR/ITS-NAME,
 *                                SRC/. as DIR itself (its contents, merged)
 *   dirs DIR...                  mkdir -p DIR
 *   empty FILE...                : >FILE
 *   fifos MODE PATH...           mkfifo -m MODE PATH (MODE octal)
 *   links DIR TARGET...          ln -s TARGET DIR/
 *   remove PATH...               rm -f PATH (not a directory)
 *
 * Paths are absolute, so an operand is never "--".
 * Exit codes, as s6's: 100 usage, 111 system, 1 changed.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define PROGRAM "files"
#define USAGE "usage: files OP ARG... [-- OP ARG...]... with OP unchanged-since, copy, dirs, empty, fifos, links or remove"
#include "dirs.h"
#include "fail.h"


/* path's last component, as cp and ln name what they make: "." for "X/.". */
static char const *name_of(char const *path)
{
  char const *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static void join(char *out, char const *dir, char const *name)
{
  if ((size_t)snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX) {
    errno = ENAMETOOLONG;
    die(111, dir);
  }
}

static int newer(struct timespec a, struct timespec b)
{
  return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

/* 1 if path or anything below it was modified after since; what cannot be read is passed over, as find does. */
static int changed(char const *path, struct timespec since)
{
  struct stat st;
  if (lstat(path, &st) == -1) return 0;
  if (newer(st.st_mtim, since)) return 1;
  if (!S_ISDIR(st.st_mode)) return 0;
  DIR *dir = opendir(path);
  if (!dir) return 0;
  int found = 0;
  for (struct dirent *entry; !found && (entry = readdir(dir));) {
    if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
    char below[PATH_MAX];
    join(below, path, entry->d_name);
    found = changed(below, since);
  }
  closedir(dir);
  return found;
}

/* Gives made what cp -a keeps of from: its mode, its owner where root may, its times. */
static void keep_attributes(char const *made, struct stat const *from)
{
  if (geteuid() == 0 && lchown(made, from->st_uid, from->st_gid) == -1) die(111, made);
  if (!S_ISLNK(from->st_mode) && chmod(made, from->st_mode & 07777) == -1) die(111, made);
  struct timespec times[2] = { from->st_atim, from->st_mtim };
  if (utimensat(AT_FDCWD, made, times, AT_SYMLINK_NOFOLLOW) == -1) die(111, made);
}

static void copy_file(char const *from, char const *to)
{
  int in = open(from, O_RDONLY | O_CLOEXEC);
  if (in == -1) die(111, from);
  int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out == -1) die(111, to);
  char buffer[65536];
  for (;;) {
    ssize_t n = read(in, buffer, sizeof buffer);
    if (n == -1) die(111, from);
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(out, buffer + done, (size_t)(n - done));
      if (w == -1) die(111, to);
      done += w;
    }
  }
  if (close(out) == -1) die(111, to);
  close(in);
}

/* cp -a from to: a directory merged into one already there, anything else put in place of what is there. */
static void copy(char const *from, char const *to)
{
  struct stat st;
  if (lstat(from, &st) == -1) die(111, from);
  if (S_ISDIR(st.st_mode)) {
    struct stat there;
    if (mkdir(to, 0700) == -1 && !(errno == EEXIST && stat(to, &there) == 0 && S_ISDIR(there.st_mode))) die(111, to);
    DIR *dir = opendir(from);
    if (!dir) die(111, from);
    for (struct dirent *entry; (errno = 0, entry = readdir(dir));) {
      if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
      char below_from[PATH_MAX], below_to[PATH_MAX];
      join(below_from, from, entry->d_name);
      join(below_to, to, entry->d_name);
      copy(below_from, below_to);
    }
    if (errno) die(111, from);
    closedir(dir);
  } else {
    if (unlink(to) == -1 && errno != ENOENT) die(111, to);
    if (S_ISREG(st.st_mode)) {
      copy_file(from, to);
    } else if (S_ISLNK(st.st_mode)) {
      char target[PATH_MAX];
      ssize_t n = readlink(from, target, sizeof target - 1);
      if (n == -1) die(111, from);
      target[n] = 0;
      if (symlink(target, to) == -1) die(111, to);
    } else if (S_ISFIFO(st.st_mode)) {
      if (mkfifo(to, 0600) == -1) die(111, to);
    } else {
      errno = EINVAL;
      die(111, from);
    }
  }
  keep_attributes(to, &st);
}

static mode_t octal(char const *word)
{
  char *end;
  long mode = strtol(word, &end, 8);
  if (*end || end == word || mode < 0 || mode > 07777) usage(0);
  return (mode_t)mode;
}

/* Runs the operation op on its n operands; 1 when unchanged-since finds a change. */
static int run(char const *op, char **operands, int n)
{
  if (!strcmp(op, "unchanged-since")) {
    if (n < 1) usage(0);
    struct stat ref, roots[n];
    if (stat(operands[0], &ref) == -1) die(111, operands[0]);
    for (int i = 1; i < n; i++) {
      if (stat(operands[i], &roots[i]) == -1) roots[i].st_ino = 0; /* no inode is 0 */
      int again = 0;
      for (int j = 1; j < i && !again; j++) again = roots[i].st_ino && roots[j].st_ino == roots[i].st_ino && roots[j].st_dev == roots[i].st_dev;
      if (!again && changed(operands[i], ref.st_mtim)) return 1;
    }
  } else if (!strcmp(op, "copy")) {
    if (n < 1) usage(0);
    for (int i = 1; i < n; i++) {
      char to[PATH_MAX];
      join(to, operands[0], name_of(operands[i]));
      copy(operands[i], to);
    }
  } else if (!strcmp(op, "dirs")) {
    for (int i = 0; i < n; i++)
      if (make_dirs(operands[i], 0777) == -1) die(111, operands[i]);
  } else if (!strcmp(op, "empty")) {
    for (int i = 0; i < n; i++) {
      int fd = open(operands[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
      if (fd == -1 || close(fd) == -1) die(111, operands[i]);
    }
  } else if (!strcmp(op, "fifos")) {
    if (n < 1) usage(0);
    mode_t mode = octal(operands[0]);
    mode_t mask = umask(0);
    for (int i = 1; i < n; i++)
      if (mkfifo(operands[i], mode) == -1) die(111, operands[i]);
    umask(mask);
  } else if (!strcmp(op, "links")) {
    if (n < 1) usage(0);
    for (int i = 1; i < n; i++) {
      char link[PATH_MAX];
      join(link, operands[0], name_of(operands[i]));
      if (symlink(operands[i], link) == -1) die(111, link);
    }
  } else if (!strcmp(op, "remove")) {
    for (int i = 0; i < n; i++)
      if (unlink(operands[i]) == -1 && errno != ENOENT) die(111, operands[i]);
  } else {
    usage(0);
  }
  return 0;
}

int main(int argc, char **argv)
{
  if (argc < 2) usage(0);
  for (int first = 1; first < argc;) {
    int end = first + 1;
    while (end < argc && strcmp(argv[end], "--")) end++;
    if (run(argv[first], argv + first + 1, end - first - 1)) return 1;
    first = end + 1;
  }
  return 0;
}
