/* The Chrome/Perfetto trace-event JSON of a trace: a track per vCPU with its running and halted
 * spans, an instant per exit (hypercalls with their arguments and result), and a flow arrow from
 * the vCPU that caused a wake-up (a kick, an IPI) to the vCPU it woke. Times are virtual. */
#include <inttypes.h>
#include <string.h>

#include "report/report.h"

/* Trace-event times are microseconds. */
static void ts(FILE *out, const char *key, uint64_t ns)
{
    fprintf(out, ",\"%s\":%" PRIu64 ".%03u", key, ns / 1000, (unsigned)(ns % 1000));
}

static void instant(FILE *out, const struct trec *r)
{
    bool hc = strcmp(r->exit, "hypercall") == 0;
    fprintf(out, ",\n{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":%u",
            hc && r->name[0] ? r->name : r->exit, hc ? "hypercall" : "exit", r->vcpu + 1);
    ts(out, "ts", r->vt_ns);
    fprintf(out, ",\"args\":{\"seq\":%" PRIu64 ",\"pc\":\"0x%" PRIx64 "\"", r->seq, r->pc);
    if (hc) {
        fprintf(out, ",\"ns\":\"%s\",\"nr\":%" PRIu64 ",\"args\":[", r->ns, r->nr);
        for (unsigned i = 0; i < r->nargs; i++)
            fprintf(out, "%s\"0x%" PRIx64 "\"", i ? "," : "", r->args[i]);
        fputs("]", out);
        if (r->has_ret)
            fprintf(out, ",\"ret\":%" PRId64, r->ret);
    } else if (strncmp(r->exit, "pio_", 4) == 0) {
        fprintf(out, ",\"port\":\"0x%" PRIx64 "\",\"value\":\"0x%" PRIx64 "\"", r->port, r->value);
    } else if (strncmp(r->exit, "mmio_", 5) == 0) {
        fprintf(out, ",\"addr\":\"0x%" PRIx64 "\",\"value\":\"0x%" PRIx64 "\"", r->addr, r->value);
    }
    fputs("}}", out);
}

int timeline_write(const struct trace_data *d, FILE *out)
{
    fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"clock\":\"softkvm virtual time "
          "(vt_ns)\"},\"traceEvents\":[\n",
          out);
    fputs("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"softkvm "
          "guest\"}}",
          out);
    for (unsigned v = 0; v < d->ncpus; v++) {
        fprintf(out,
                ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"args\":{\"name\":"
                "\"vCPU %u\"}}",
                v + 1, v);
        fprintf(out,
                ",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"args\":{"
                "\"sort_index\":%u}}",
                v + 1, v);
    }
    for (size_t i = 0; i < d->nspans; i++) {
        const struct tspan *s = &d->spans[i];
        fprintf(out, ",\n{\"name\":\"%s\",\"cat\":\"vcpu\",\"ph\":\"X\",\"pid\":1,\"tid\":%u",
                s->halted ? "halted" : "running", s->vcpu + 1);
        ts(out, "ts", s->start);
        ts(out, "dur", s->end - s->start);
        fputs("}", out);
    }
    unsigned flow = 0;
    for (size_t i = 0; i < d->n; i++) {
        const struct trec *r = &d->recs[i];
        if (strcmp(r->exit, "sched") == 0)
            continue;
        if (strcmp(r->exit, "wake") == 0) {
            if (r->by < 0 || (unsigned)r->by == r->vcpu)
                continue;
            flow++;
            fprintf(out,
                    ",\n{\"name\":\"wake\",\"cat\":\"wake\",\"ph\":\"s\",\"id\":%u,\"pid\":1,"
                    "\"tid\":%d",
                    flow, r->by + 1);
            ts(out, "ts", r->vt_ns);
            fprintf(out,
                    "},\n{\"name\":\"wake\",\"cat\":\"wake\",\"ph\":\"f\",\"bp\":\"e\",\"id\":%u,"
                    "\"pid\":1,\"tid\":%u",
                    flow, r->vcpu + 1);
            ts(out, "ts", r->vt_ns);
            fputs("}", out);
            continue;
        }
        instant(out, r);
    }
    fputs("\n]}\n", out);
    return ferror(out) ? -1 : 0;
}
