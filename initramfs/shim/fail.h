/*
 * How goetia's small helpers tell what went wrong, as s6's programs do: one
 * line on stderr, "PROGRAM: WHAT" (say) or "PROGRAM: WHAT: REASON" with errno's
 * reason, then the exit code of the contract (die: 100 usage, 111 system).
 * A program defines PROGRAM, its name, before it includes this.
 */
#include <errno.h>
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
