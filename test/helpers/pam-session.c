/*
 * pam-session SERVICE USER: opens and closes a PAM session for USER under
 * the configuration /etc/pam.d/SERVICE, as a login does (no
 * authentication: the tests are root). Exit 0 when both succeeded.
 */
#include <security/pam_appl.h>
#include <stdio.h>

static int converse(int n, struct pam_message const **messages, struct pam_response **responses, void *data)
{
  (void)n, (void)messages, (void)responses, (void)data;
  return PAM_CONV_ERR;
}

int main(int argc, char **argv)
{
  if (argc != 3) {
    fputs("usage: pam-session SERVICE USER\n", stderr);
    return 100;
  }
  struct pam_conv conversation = { converse, 0 };
  pam_handle_t *pamh = 0;
  int code = pam_start(argv[1], argv[2], &conversation, &pamh);
  if (code == PAM_SUCCESS) code = pam_open_session(pamh, 0);
  if (code == PAM_SUCCESS) {
    char const *runtime = pam_getenv(pamh, "XDG_RUNTIME_DIR");
    printf("XDG_RUNTIME_DIR=%s\n", runtime ? runtime : "");
    code = pam_close_session(pamh, 0);
  }
  if (code != PAM_SUCCESS) fprintf(stderr, "pam-session: %s\n", pam_strerror(pamh, code));
  pam_end(pamh, code);
  return code == PAM_SUCCESS ? 0 : 1;
}
