/* Reading softkvm's JSON-lines trace records back (flat objects, as src/core/trace.c writes). */
#ifndef SOFTKVM_REPORT_TRACE_READ_H
#define SOFTKVM_REPORT_TRACE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TREC_MAX_ARGS 6

struct trec {
    uint64_t seq, pc, vt_ns;
    unsigned vcpu;
    char exit[32];
    char ns[16];   /* hypercall namespace */
    char name[64]; /* hypercall name, "" when null */
    uint64_t nr;
    uint64_t args[TREC_MAX_ARGS];
    unsigned nargs;
    int64_t ret;
    bool has_ret;
    uint64_t port, addr, size, value;
    int by; /* wake: the vCPU that caused it, -1 for none */
};

/* Parse one line into r. Returns 0, or -1 with a reason in err (not a record softkvm writes:
 * bad JSON, a missing seq/vcpu/exit/vt_ns). */
int trec_parse(const char *line, struct trec *r, char *err, size_t errlen);

#endif
