/* The --stats report: exits by kind and hypercalls by number. */
#ifndef SOFTKVM_STATS_H
#define SOFTKVM_STATS_H

#include <stdio.h>

struct vm;

/* Name of an exit kind as used in traces and stats ("hypercall", "halt", ...). */
const char *exit_kind_name(int kind);

/* Print the full per-exit and per-hypercall counts. */
void stats_print(const struct vm *vm, FILE *out);

/* Print the one-paragraph summary `make run` shows after the guest's output. */
void stats_summary(const struct vm *vm, FILE *out);

#endif
