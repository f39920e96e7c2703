/*
 * How goetia's small helpers tell what went wrong, as s6's programs do: one
 * line on stderr, "PROGRAM: WHAT" (say) or "PROGRAM: WHAT: REASON" with errno's
 * reason, then the exit code of the contract (die: 100 usage, 111 system);
 * a usage error is what is wrong, then the usage line (usage). A program
 * defines PROGRAM, its name, and USAGE, its usage line, before it includes
 * this.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void say(char const *what)
{
  (void)!write(2, PROGRAM ": ", sizeof PROGRAM + 1);
  (void)!write(2, what, strlen(what));
  (void)!write(2, "\n", 1);
}

static inline void die(int code, char const *what)
{
  char const *reason = strerror(errno);
  (void)!write(2, PROGRAM ": ", sizeof PROGRAM + 1);
  (void)!write(2, what, strlen(what));
  (void)!write(2, ": ", 2);
  (void)!write(2, reason, strlen(reason));
  (void)!write(2, "\n", 1);
  _exit(code);
}

/* A usage error: what is wrong (0: nothing more than the usage line), the usage line, exit 100. */
static inline void usage(char const *what)
{
  if (what) say(what);
  say(USAGE);
  _exit(100);
}

/* A file descriptor's number given as text (0 to 1023), or a usage error. */
static inline int fd_argument(char const *text)
{
  char *end;
  long fd = strtol(text, &end, 10);
  if (*end || end == text || fd < 0 || fd > 1023) usage("FD must be a file descriptor number");
  return (int)fd;
}
