/*
 * power-button PROG...: waits for a press of the machine's power button,
 * then execs PROG (goetia poweroff), as logind does under systemd. The
 * button is every input device the kernel names "Power Button" (ACPI's,
 * through evdev); a machine without one has nothing to press, and this
 * waits for ever, so that its supervisor does not start it again and again.
 *
 * One process for all the buttons: a shell reading events with dd and od
 * costs three, and one more of each per event.
 *
 * Exit codes, as s6's: 100 usage, 111 system.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define PROGRAM "power-button"
#define USAGE "usage: power-button PROG..."
#include "fail.h"

#define MAX_BUTTONS 8

/* The event devices named "Power Button", opened, into buttons; how many. */
static nfds_t open_buttons(struct pollfd *buttons)
{
  DIR *inputs = opendir("/dev/input");
  if (!inputs) die(111, "/dev/input");
  nfds_t count = 0;
  struct dirent *entry;
  while (count < MAX_BUTTONS && (errno = 0, entry = readdir(inputs))) {
    if (strncmp(entry->d_name, "event", 5) != 0) continue;
    int fd = openat(dirfd(inputs), entry->d_name, O_RDONLY | O_CLOEXEC);
    if (fd == -1) die(111, entry->d_name);
    char name[64] = "";
    if (ioctl(fd, EVIOCGNAME(sizeof name - 1), name) == -1) die(111, entry->d_name);
    if (strcmp(name, "Power Button") == 0) {
      buttons[count++] = (struct pollfd){ .fd = fd, .events = POLLIN };
    } else if (close(fd) == -1) {
      die(111, entry->d_name);
    }
  }
  if (errno) die(111, "/dev/input");
  closedir(inputs);
  return count;
}

/* Whether fd's pending events hold a press of KEY_POWER. */
static int pressed(int fd)
{
  struct input_event events[16];
  ssize_t got = read(fd, events, sizeof events);
  if (got == -1) {
    if (errno == EINTR) return 0;
    die(111, "read an event");
  }
  for (size_t i = 0; i < (size_t)got / sizeof events[0]; i++)
    if (events[i].type == EV_KEY && events[i].code == KEY_POWER && events[i].value == 1) return 1;
  return 0;
}

int main(int argc, char **argv)
{
  if (argc < 2) usage(0);
  struct pollfd buttons[MAX_BUTTONS];
  nfds_t count = open_buttons(buttons);
  if (count == 0) {
    (void)!write(1, "no power button on this machine: nothing to watch\n", 51);
    for (;;) pause();
  }
  for (;;) {
    if (poll(buttons, count, -1) == -1) {
      if (errno == EINTR) continue;
      die(111, "poll");
    }
    for (nfds_t i = 0; i < count; i++) {
      if (buttons[i].revents & POLLIN && pressed(buttons[i].fd)) {
        execvp(argv[1], argv + 1);
        die(111, argv[1]);
      }
      if (buttons[i].revents & (POLLERR | POLLHUP | POLLNVAL)) die(111, "a power button went away");
    }
  }
}
