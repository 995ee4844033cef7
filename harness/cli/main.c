/* apiharness: the command-line entry point; dispatches to cmd_<name>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_extra.h"
#include "spec/hspec.h"

typedef struct {
  const char *name;
  int (*run)(int, char **);
  const char *summary;
} command;

static const command commands[] = {
    {"validate", cmd_validate, "validate JSON documents against a schema of the spec"},
    {"mock", cmd_mock, "run the reference Create API token endpoint (with optional faults)"},
    {"certify", cmd_certify, "run the conformance catalogue against a server, write a report"},
    {"cases", cmd_cases, "regenerate the case catalogue from the spec"},
    {"compare", cmd_compare, "compare two compliance reports (release regression gate)"},
    {"replay", cmd_replay, "re-send one catalogue case and print its judgement"},
};

const char *cli_default_spec(void) {
  const char *env = getenv("APIHARNESS_SPEC");
  if (env && *env)
    return env;
  return HSPEC_BUILTIN_DEFAULT;
}

static void usage(FILE *out) {
  fprintf(out, "usage: apiharness COMMAND [OPTIONS]\n\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\n'apiharness COMMAND --help' for a command's options.\n"
               "exit codes: 0 valid/compliant, 1 invalid/non-compliant, 2 could not run\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return CLI_EXIT_ERROR;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return CLI_EXIT_OK;
  }
  if (!strcmp(argv[1], "--version"))
    return cli_print_version(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    if (strcmp(argv[1], commands[i].name) != 0)
      continue;
    return commands[i].run(argc - 1, argv + 1);
  }
  fprintf(stderr, "apiharness: unknown command '%s' (see apiharness --help)\n", argv[1]);
  return CLI_EXIT_ERROR;
}
