/*
 * /init: the first program the kernel runs from the initramfs.
 *
 * goetia is a Bun executable, and Bun aborts at start when /proc is not
 * mounted; the kernel mounts nothing. So this static program, /sbin/init
 * (and an initramfs's /init), mounts /proc unless a boot initramfs did, and
 * execs /sbin/goetia in its place, keeping PID 1. If that exec fails,
 * exiting would make the kernel panic with no word of why: instead say what
 * failed and exec a shell, and if even that fails, stay alive and quiet.
 */
#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

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

int main(int argc, char **argv, char **envp)
{
  static char *const shell[] = { "/bin/sh", 0 };
  (void)argc;

  /* After a boot initramfs's switch_root, /proc comes mounted. */
  if (access("/proc/self", F_OK) == -1 && mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0) == -1)
    say("cannot mount ", "/proc", errno);

  argv[0] = "/sbin/goetia";
  execve(argv[0], argv, envp);
  say("cannot exec ", argv[0], errno);

  (void)!write(2, "init: starting an emergency shell\n", 34);
  execve(shell[0], shell, envp);
  say("cannot exec ", shell[0], errno);

  for (;;) pause();
}
