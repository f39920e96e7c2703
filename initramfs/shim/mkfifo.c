/*
 * mkfifo -m MODE PATH...: makes each PATH a fifo of MODE (octal), as
 * mkfifo(1) -m does. The boot's bring-up makes a fifo for every daemon it
 * waits for; coreutils' mkfifo, dynamically linked, costs several times
 * this static one's start under emulation (about 30 ms against 5).
 *
 * Exit codes, as s6's: 100 usage, 111 system.
 */
#include <stdlib.h>
#include <sys/stat.h>

#define PROGRAM "mkfifo"
#include "fail.h"

int main(int argc, char **argv)
{
  if (argc < 4 || strcmp(argv[1], "-m") != 0) {
    say("usage: mkfifo -m MODE PATH...");
    return 100;
  }
  char *end;
  long mode = strtol(argv[2], &end, 8);
  if (*end || end == argv[2] || mode < 0 || mode > 07777) {
    say("MODE must be octal");
    return 100;
  }
  umask(0);
  for (int i = 3; i < argc; i++)
    if (mkfifo(argv[i], (mode_t)mode) == -1) die(111, argv[i]);
  return 0;
}
