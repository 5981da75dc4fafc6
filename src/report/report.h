/* `softkvm report`: a perf-kvm-stat style summary of a trace, and a Chrome/Perfetto timeline. */
#ifndef SOFTKVM_REPORT_REPORT_H
#define SOFTKVM_REPORT_REPORT_H

#include <stdio.h>

#include "report/trace_read.h"

/* A stretch of virtual time in which a vCPU ran guest code or was halted. */
struct tspan {
    unsigned vcpu;
    bool halted;
    uint64_t start, end; /* vt_ns */
};

struct trace_data {
    struct trec *recs;
    size_t n;
    struct tspan *spans; /* sorted by start, then vCPU */
    size_t nspans;
    unsigned ncpus; /* highest vCPU id seen + 1 */
    uint64_t end;   /* the last record's vt_ns */
};

/* Read and check a trace file; derive the running/halted spans. Returns 0, or -1 with one line
 * in err (cannot open, line N: what is wrong, out of memory). */
int trace_data_load(struct trace_data *d, const char *path, char *err, size_t errlen);

void trace_data_free(struct trace_data *d);

/* Print the report for vCPU vcpu (-1: all) as a table, or as JSON. */
void report_print(const struct trace_data *d, int vcpu, bool json, FILE *out);

/* Write the trace-event JSON (one track per vCPU, spans, hypercall instants, wake flows).
 * Returns 0 or -1 (a write failed). */
int timeline_write(const struct trace_data *d, FILE *out);

#endif
