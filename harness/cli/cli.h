/* The apiharness subcommands.  Each lives in its own cmd_<name>.c and returns
 * the process exit code: 0 success/valid/compliant, 1 invalid/non-compliant,
 * 2 could not run (usage, I/O, spec, unreachable server).  argv[0] is the
 * subcommand name. */
#ifndef CLI_H
#define CLI_H

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_ERROR 2

int cmd_validate(int argc, char **argv);
int cmd_mock(int argc, char **argv);
int cmd_certify(int argc, char **argv);
int cmd_cases(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_replay(int argc, char **argv);

/* The default spec: $APIHARNESS_SPEC, else the copy of
 * spec/create-api-token.openapi.json compiled into the program
 * (HSPEC_BUILTIN_DEFAULT, "builtin:create-api-token.openapi.json"). */
const char *cli_default_spec(void);

#endif
