/* CLI helpers shared by the commands and called by tests/test_ship.c: the
 * --version text, where the conformance suites are, and --config FILE.  They
 * live in the harness_cli library (top-level CMakeLists.txt), apart from
 * main.c and the cmd_*.c files. */
#ifndef CLI_EXTRA_H
#define CLI_EXTRA_H

#include <stddef.h>
#include <stdio.h>

/* ---- version.c ---- */

/* `apiharness --version`: the tool version, then the embedded spec's name,
 * title, version and SHA-256 (loaded through the spec layer), e.g.
 *   apiharness 0.1.0
 *   spec: builtin:create-api-token.openapi.json
 *     title:   SoftwareOne Marketplace API
 *     version: 1.0.0
 *     sha256:  8f0e...
 * Returns 0, or -1 (with a one-line reason on out) when the embedded spec does
 * not load (a broken build). */
int cli_print_version(FILE *out);

/* Finds the Criterion conformance suite binary that certify runs, and never
 * through the source tree:
 *   1. $APIHARNESS_CONFORMANCE when set and not empty (it must be executable);
 *   2. <dir of /proc/self/exe>/conformance/apiharness-conformance (the build
 *      tree: build/apiharness -> build/conformance/apiharness-conformance);
 *   3. <dir of /proc/self/exe>/../libexec/apiharness/apiharness-conformance
 *      (installed: <prefix>/bin -> <prefix>/libexec/apiharness).
 * Returns 1 with the path in buf, or 0 with buf naming where it looked (for
 * the error message: "the conformance suites are not at %s"). */
int cli_conformance_binary(char *buf, size_t cap);

/* ---- config.c ---- */

/* --config FILE for a command (cmd: "certify" or "mock").  When argv (argv[0]
 * the command name, as the cmd_* functions get it) holds "--config FILE" or
 * "--config=FILE", FILE is read with the strict JSON reader: an object whose
 * members are the command's long option names without the dashes, e.g.
 *   {"base-url": "https://staging.example", "profile": "strict",
 *    "token-env": "STAGING_TOKEN", "fault": ["wrong-status"], "insecure": false}
 * Values: a string or an integer/number as the option expects, true/false for
 * a flag (false: absent), an array of strings for a repeatable option (a single
 * string is allowed too).  Unknown members, wrong types, "config" itself and
 * any member that could carry a secret (a name with "token", "secret" or
 * "password" in it, other than the "...-env" names of environment variables)
 * are errors naming the file and the member's JSON pointer.
 *
 * On success returns 0 with *out_argc and *out_argv a new argument vector
 * (NULL-terminated, free with cli_config_free): argv[0], the options from the
 * file in file order, then argv[1..] without --config; an option given on the
 * command line replaces the file's (all of a repeatable option's file values).
 * Without --config the vector is a copy of argv.  On error returns -1 with a
 * one-line message in err ("apiharness certify: cfg.json: /tokn: unknown
 * option 'tokn' ..."); the caller exits 2. */
int cli_config_expand(const char *cmd, int argc, char **argv, int *out_argc, char ***out_argv,
                      char *err, size_t errcap);
void cli_config_free(char **argv);

/* The i-th option name (without dashes) a config file may hold for cmd, NULL
 * past the end or when cmd takes no --config.  The list is the command's
 * --help minus --help and --config (tests/test_ship.c checks they agree). */
const char *cli_config_option(const char *cmd, size_t i);

/* The option table of cmd (certify, mock: the one --config reads, which is
 * the command's --help): 1 when opt ("--name") is one of its options, with
 * *takes_value (a string or number follows) and *repeats (may be given
 * several times) when not NULL; 0 for an unknown option or command. */
int cli_option_info(const char *cmd, const char *opt, int *takes_value, int *repeats);

/* A single-value option given twice is a usage error, never "the last one
 * wins": returns 0, or -1 after printing "apiharness CMD: --x given twice".
 * repeatable (NULL-terminated) lists the options that may repeat; "--" ends
 * the options.  Values are not options: an argument right after an option
 * that takes one is skipped when takes_value says so.  For a command with an
 * option table (certify, mock) pass NULL for both: the table says. */
int cli_refuse_repeats(const char *cmd, int argc, char **argv, const char *const *repeatable,
                       int (*takes_value)(const char *opt));

#endif
