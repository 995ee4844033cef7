/* Usage errors every command shares, through the real program
 * (APIHARNESS_BIN), from tests/data/cli/repeats.txt. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs the words of line (space-separated); stderr's first 4 KiB into err. */
static int run_line(char *line, char *err, size_t cap) {
  char *argv[32];
  int n = 0;
  argv[n++] = (char *)APIHARNESS_BIN;
  for (char *t = strtok(line, " "); t && n < 31; t = strtok(NULL, " "))
    argv[n++] = t;
  argv[n] = NULL;
  int pe[2];
  cr_assert(pipe(pe) == 0);
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(pe[1], 2);
    close(pe[0]);
    execv(APIHARNESS_BIN, argv);
    _exit(127);
  }
  close(pe[1]);
  size_t got = 0;
  ssize_t r;
  while (got < cap - 1 && (r = read(pe[0], err + got, cap - 1 - got)) > 0)
    got += (size_t)r;
  err[got] = '\0';
  close(pe[0]);
  int st;
  cr_assert(waitpid(pid, &st, 0) == pid);
  cr_assert(WIFEXITED(st), "apiharness died by a signal");
  return WEXITSTATUS(st);
}

Test(cli_args, repeated_single_value_options_are_usage_errors, .timeout = 120) {
  FILE *f = fopen(TEST_DATA_DIR "/cli/repeats.txt", "r");
  cr_assert_not_null(f);
  char line[512];
  int lines = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#' || line[0] == '\n')
      continue;
    line[strcspn(line, "\n")] = '\0';
    char *cmd = strtok(line, "\t"), *code = strtok(NULL, "\t"), *want = strtok(NULL, "\t");
    cr_assert(cmd && code && want, "repeats.txt: malformed line");
    char shown[512];
    snprintf(shown, sizeof shown, "%s", cmd);
    char words[512], err[4096];
    snprintf(words, sizeof words, "%s", cmd);
    int rc = run_line(words, err, sizeof err);
    cr_expect_eq(rc, atoi(code), "%s: exit %d, want %s (%s)", shown, rc, code, err);
    if (strcmp(want, "-") != 0) {
      cr_expect(strstr(err, want), "%s: '%s' not in: %s", shown, want, err);
      cr_expect(strchr(err, '\n') == strrchr(err, '\n'), "%s: more than one line: %s", shown, err);
    }
    lines++;
  }
  fclose(f);
  cr_assert_geq(lines, 8);
}
