/* Command-line parsing for `softkvm run`: a const option table, per-architecture blocks. */
#ifndef SOFTKVM_CLI_OPTIONS_H
#define SOFTKVM_CLI_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "softkvm/vm.h"

enum cli_command { CMD_RUN, CMD_HELP, CMD_VERSION, CMD_REPORT };

struct cli_options {
    enum cli_command cmd;
    struct vm_config cfg;
    const char *kernel;
    bool stats;
    unsigned timeout_s; /* --timeout: seconds of host time, 0: none */
    const char *gdb;    /* --gdb tcp:[HOST]:PORT (-s: tcp::1234), or NULL */
    bool gdb_wait;      /* -S: wait for gdb before the first instruction */
    /* softkvm report: */
    const char *report_trace;    /* TRACE.jsonl */
    const char *report_timeline; /* --timeline OUT.json, or NULL */
    bool report_json;            /* --json */
    int report_vcpu;             /* --vcpu N, -1: all */
};

/* The architectures an option block is for (the kernel's ELF header picks the architecture,
 * after parsing: the backends refuse options that are not theirs, e.g. --cpu on x86-64). */
enum {
    CLI_ARCH_X86_64 = 1u << 0,
    CLI_ARCH_PPC = 1u << 1,
    CLI_ARCH_PPC64 = 1u << 2,
    CLI_ARCH_S390X = 1u << 3,
    CLI_ARCH_ALL = 0xFu,
};

/* One option. set() gets the value (NULL when the option takes one and argv ends) and returns 0,
 * 1 to end parsing successfully at once (--help), or -1 with one line for the user in err. */
struct cli_option {
    const char *name;    /* "--smp", "-m" */
    const char *alias;   /* another spelling ("-h"), or NULL */
    const char *metavar; /* the value's name in --help; NULL: the option takes no value */
    int (*set)(struct cli_options *o, const char *val, char *err, size_t errlen);
    const char *help; /* one or more lines separated by '\n' */
};

/* A block of options for some architectures, with its --help heading (NULL: every arch). */
struct cli_option_block {
    const char *title;
    unsigned arches; /* CLI_ARCH_* */
    const struct cli_option *options;
    unsigned count;
};

/* The blocks of `softkvm run`, in --help order, and their number. */
extern const struct cli_option_block cli_run_blocks[];
extern const unsigned cli_run_nblocks;

/* The option of the blocks spelled arg (name or alias), or NULL. */
const struct cli_option *cli_find_option(const struct cli_option_block *blocks, unsigned nblocks,
                                         const char *arg);

/* Parse argv. Returns 0, or -1 with one line for the user in err (a usage error). Never exits
 * and keeps no state: argv's strings are referenced by o, not copied. */
int cli_parse(int argc, char **argv, struct cli_options *o, char *err, size_t errlen);

/* Write the --help text, generated from the option table, to out. */
void cli_print_usage(FILE *out);

#endif
