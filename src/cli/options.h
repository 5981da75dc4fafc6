/* Command-line parsing for `softkvm run`. */
#ifndef SOFTKVM_CLI_OPTIONS_H
#define SOFTKVM_CLI_OPTIONS_H

#include <stddef.h>

#include "softkvm/vm.h"

enum cli_command { CMD_RUN, CMD_HELP, CMD_VERSION };

struct cli_options {
    enum cli_command cmd;
    struct vm_config cfg;
    const char *kernel;
    bool stats;
};

/* Parse argv. Returns 0, or -1 with one line for the user in err (a usage error). */
int cli_parse(int argc, char **argv, struct cli_options *o, char *err, size_t errlen);

/* The --help text. */
extern const char cli_usage[];

#endif
