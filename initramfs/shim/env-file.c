/*
 * env-file [-]FILE: a systemd EnvironmentFile= read as systemd reads it
 * (its parse_env_file: KEY=VALUE lines, # and ; comments, single and double
 * quotes, backslashes, lines continued), printed as sh that sets the same
 * variables: `export KEY='VALUE'`, each value quoted here. A unit's run
 * script evals what this prints, so nothing of the file is ever run as
 * code, where `. FILE` ran `$(...)` as root. A leading - makes a missing
 * file no error. A key that is no variable's name is told and left out,
 * as systemd does.
 *
 * Exit codes, as s6's: 100 usage, 111 system.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROGRAM "env-file"
#define USAGE "usage: env-file [-]FILE"
#include "fail.h"

enum state { PRE_KEY, KEY, PRE_VALUE, VALUE, VALUE_ESCAPE, SINGLE_QUOTED, DOUBLE_QUOTED, DOUBLE_QUOTED_ESCAPE, COMMENT, COMMENT_ESCAPE };

static int blank(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int newline(char c)
{
  return c == '\n' || c == '\r';
}

#define NONE ((size_t)-1)

/* A key or a value so far, and where the unquoted blanks that end it start (NONE: none), for assign to drop. */
struct text {
  char *bytes;
  size_t length, size, trailing;
};

static void add(struct text *text, char c)
{
  if (text->length + 1 >= text->size) {
    text->size = text->size ? text->size * 2 : 256;
    text->bytes = realloc(text->bytes, text->size);
    if (!text->bytes) die(111, "realloc");
  }
  text->bytes[text->length++] = c;
  text->bytes[text->length] = 0;
}

/* Adds c as written outside quotes: a blank may end up trailing, and dropped. */
static void add_unquoted(struct text *text, char c)
{
  if (!blank(c)) text->trailing = NONE;
  else if (text->trailing == NONE) text->trailing = text->length;
  add(text, c);
}

static void clear(struct text *text)
{
  text->length = 0;
  text->trailing = NONE;
  if (text->bytes) text->bytes[0] = 0;
}

static int is_name(char const *name)
{
  if (!name[0] || (name[0] >= '0' && name[0] <= '9')) return 0;
  for (char const *c = name; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_')) return 0;
  return 1;
}

/* One assignment, printed as sh, the unquoted blanks that end its key and its value dropped; both cleared after. */
static void assign(char const *file, struct text *key, struct text *value)
{
  if (key->trailing < key->length) key->bytes[key->length = key->trailing] = 0;
  if (value->trailing < value->length) value->bytes[value->length = value->trailing] = 0;
  if (!is_name(key->bytes)) {
    fprintf(stderr, PROGRAM ": %s: \"%s\" is no variable's name: left out\n", file, key->bytes);
  } else {
    fputs("export ", stdout);
    fputs(key->bytes, stdout);
    fputs("='", stdout);
    for (size_t i = 0; i < value->length; i++) {
      if (value->bytes[i] == '\'') fputs("'\\''", stdout);
      else putchar(value->bytes[i]);
    }
    fputs("'\n", stdout);
  }
  clear(key);
  clear(value);
}

int main(int argc, char **argv)
{
  if (argc != 2 || !argv[1][0]) usage(0);
  int optional = argv[1][0] == '-';
  char const *file = argv[1] + optional;
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd == -1) {
    if (optional && errno == ENOENT) return 0;
    die(111, file);
  }
  struct text key = { .trailing = NONE }, value = { .trailing = NONE };
  enum state state = PRE_KEY;
  char buffer[4096];
  for (ssize_t got; (got = read(fd, buffer, sizeof buffer)) != 0;) {
    if (got == -1) {
      if (errno == EINTR) continue;
      die(111, file);
    }
    for (ssize_t i = 0; i < got; i++) {
      char c = buffer[i];
      switch (state) {
      case PRE_KEY:
        if (c == '#' || c == ';') state = COMMENT;
        else if (!blank(c)) state = KEY, add_unquoted(&key, c);
        break;
      case KEY:
        if (newline(c)) state = PRE_KEY, clear(&key);
        else if (c == '=') state = PRE_VALUE;
        else add_unquoted(&key, c);
        break;
      case PRE_VALUE:
        if (newline(c)) state = PRE_KEY, assign(file, &key, &value);
        else if (c == '\'') state = SINGLE_QUOTED;
        else if (c == '"') state = DOUBLE_QUOTED;
        else if (c == '\\') state = VALUE_ESCAPE;
        else if (!blank(c)) state = VALUE, add_unquoted(&value, c);
        break;
      case VALUE:
        if (newline(c)) state = PRE_KEY, assign(file, &key, &value);
        else if (c == '\\') state = VALUE_ESCAPE, value.trailing = NONE;
        else add_unquoted(&value, c);
        break;
      case VALUE_ESCAPE:
        state = VALUE;
        if (!newline(c)) add(&value, c); /* an escaped newline continues the line */
        break;
      case SINGLE_QUOTED:
        if (c == '\'') state = PRE_VALUE;
        else add(&value, c);
        break;
      case DOUBLE_QUOTED:
        if (c == '"') state = PRE_VALUE;
        else if (c == '\\') state = DOUBLE_QUOTED_ESCAPE;
        else add(&value, c);
        break;
      case DOUBLE_QUOTED_ESCAPE:
        state = DOUBLE_QUOTED;
        if (strchr("\"\\`$", c)) add(&value, c);
        else if (c != '\n') add(&value, '\\'), add(&value, c);
        break;
      case COMMENT:
        if (c == '\\') state = COMMENT_ESCAPE;
        else if (newline(c)) state = PRE_KEY;
        break;
      case COMMENT_ESCAPE:
        state = newline(c) ? PRE_KEY : COMMENT;
        break;
      }
    }
  }
  if (state == PRE_VALUE || state == VALUE || state == VALUE_ESCAPE || state == SINGLE_QUOTED || state == DOUBLE_QUOTED || state == DOUBLE_QUOTED_ESCAPE)
    assign(file, &key, &value);
  if (fflush(stdout) == EOF) die(111, "write");
  return 0;
}
