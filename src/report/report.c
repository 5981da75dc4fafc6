/* Loading a trace for the report, the running/halted spans, and the perf-kvm-stat style tables.
 * Exits take no virtual time in softkvm (the clock advances with executed guest code only), so
 * the time of an exit is what the vCPU lost to it: for a halt, until it ran again; else 0. */
#include "report/report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int push_span(struct trace_data *d, size_t *cap, unsigned vcpu, bool halted, uint64_t start,
                     uint64_t end)
{
    if (end <= start)
        return 0;
    if (d->nspans == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        struct tspan *s = realloc(d->spans, nc * sizeof(*s));
        if (s == NULL)
            return -1;
        d->spans = s;
        *cap = nc;
    }
    d->spans[d->nspans++] = (struct tspan){vcpu, halted, start, end};
    return 0;
}

#define NONE UINT64_MAX

/* One global clock and one vCPU in the engine at a time: a sched record starts a vCPU's run and
 * ends the previous one's; a halt ends it and starts a halted span that the wake ends. */
static int derive_spans(struct trace_data *d)
{
    size_t cap = 0;
    uint64_t *run = malloc(d->ncpus * sizeof(uint64_t)), *halt = malloc(d->ncpus * 8);
    if (run == NULL || halt == NULL) {
        free(run);
        free(halt);
        return -1;
    }
    for (unsigned i = 0; i < d->ncpus; i++)
        run[i] = halt[i] = NONE;
    int runner = -1, rc = 0;
    for (size_t i = 0; i < d->n && rc == 0; i++) {
        const struct trec *r = &d->recs[i];
        unsigned v = r->vcpu;
        uint64_t t = r->vt_ns;
        if (strcmp(r->exit, "sched") == 0) {
            if (runner >= 0 && run[runner] != NONE) {
                rc |= push_span(d, &cap, (unsigned)runner, false, run[runner], t);
                run[runner] = NONE;
            }
            run[v] = t;
            runner = (int)v;
        } else if (strcmp(r->exit, "halt") == 0) {
            if (run[v] != NONE)
                rc |= push_span(d, &cap, v, false, run[v], t);
            run[v] = NONE;
            halt[v] = t;
            if (runner == (int)v)
                runner = -1;
        } else if (strcmp(r->exit, "wake") == 0) {
            if (halt[v] != NONE)
                rc |= push_span(d, &cap, v, true, halt[v], t);
            halt[v] = NONE;
            if (runner < 0) { /* nobody runs: the woken vCPU does, unless a sched follows */
                run[v] = t;
                runner = (int)v;
            }
        } else if (runner < 0 && halt[v] == NONE && run[v] == NONE) {
            run[v] = t; /* an exit of a vCPU not seen running: it runs */
            runner = (int)v;
        }
    }
    for (unsigned i = 0; i < d->ncpus && rc == 0; i++) {
        if (run[i] != NONE)
            rc |= push_span(d, &cap, i, false, run[i], d->end);
        if (halt[i] != NONE)
            rc |= push_span(d, &cap, i, true, halt[i], d->end);
    }
    free(run);
    free(halt);
    return rc;
}

static int span_order(const void *a, const void *b)
{
    const struct tspan *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->vcpu != y->vcpu)
        return x->vcpu < y->vcpu ? -1 : 1;
    return (int)x->halted - (int)y->halted;
}

/* The halted span of vcpu that starts at t, or NULL (spans sorted by span_order). */
static const struct tspan *halted_span(const struct trace_data *d, unsigned vcpu, uint64_t t)
{
    size_t lo = 0, hi = d->nspans;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->spans[mid].start < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < d->nspans && d->spans[lo].start == t; lo++)
        if (d->spans[lo].vcpu == vcpu && d->spans[lo].halted)
            return &d->spans[lo];
    return NULL;
}

int trace_data_load(struct trace_data *d, const char *path, char *err, size_t errlen)
{
    memset(d, 0, sizeof(*d));
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open the trace", path);
        return -1;
    }
    char *line = NULL;
    size_t linecap = 0, cap = 0;
    ssize_t len;
    size_t lineno = 0;
    int rc = 0;
    while ((len = getline(&line, &linecap, f)) >= 0) {
        lineno++;
        if (len <= 1)
            continue;
        if (d->n == cap) {
            size_t nc = cap ? cap * 2 : 1024;
            struct trec *r = realloc(d->recs, nc * sizeof(*r));
            if (r == NULL) {
                snprintf(err, errlen, "out of memory reading %s", path);
                rc = -1;
                break;
            }
            d->recs = r;
            cap = nc;
        }
        char why[160];
        struct trec *r = &d->recs[d->n];
        if (trec_parse(line, r, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "%s: line %zu: %s", path, lineno, why);
            rc = -1;
            break;
        }
        if (d->n > 0 && r->vt_ns < d->recs[d->n - 1].vt_ns) {
            snprintf(err, errlen, "%s: line %zu: virtual time goes backwards", path, lineno);
            rc = -1;
            break;
        }
        if (r->vcpu + 1 > d->ncpus)
            d->ncpus = r->vcpu + 1;
        d->end = r->vt_ns;
        d->n++;
    }
    free(line);
    fclose(f);
    if (rc == 0 && d->n == 0) {
        snprintf(err, errlen, "%s: the trace is empty", path);
        rc = -1;
    }
    if (rc == 0 && derive_spans(d) != 0) {
        snprintf(err, errlen, "out of memory reading %s", path);
        rc = -1;
    }
    if (rc == 0 && d->nspans > 1)
        qsort(d->spans, d->nspans, sizeof(*d->spans), span_order);
    if (rc != 0)
        trace_data_free(d);
    return rc;
}

void trace_data_free(struct trace_data *d)
{
    free(d->recs);
    free(d->spans);
    memset(d, 0, sizeof(*d));
}

/* ---- aggregation ---- */

struct row {
    char key[128];
    uint64_t a, b; /* count (or reads/ins) and time (or writes/outs) */
};

struct table {
    struct row *rows;
    size_t n, cap;
};

static struct row *row_of(struct table *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].key, key) == 0)
            return &t->rows[i];
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 16;
        struct row *r = realloc(t->rows, nc * sizeof(*r));
        if (r == NULL)
            return NULL;
        t->rows = r;
        t->cap = nc;
    }
    struct row *r = &t->rows[t->n++];
    memset(r, 0, sizeof(*r));
    snprintf(r->key, sizeof(r->key), "%s", key);
    return r;
}

static int by_count(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->a != y->a)
        return x->a < y->a ? 1 : -1;
    return strcmp(x->key, y->key);
}

static bool is_exit(const char *kind)
{
    return strcmp(kind, "sched") != 0 && strcmp(kind, "wake") != 0;
}

struct agg {
    struct table exits, hcalls, ports, mmio, wakes;
    uint64_t nexits, halted_ns, run_ns;
};

static void aggregate(const struct trace_data *d, int vcpu, struct agg *g)
{
    memset(g, 0, sizeof(*g));
    for (size_t i = 0; i < d->nspans; i++) {
        const struct tspan *s = &d->spans[i];
        if (vcpu >= 0 && s->vcpu != (unsigned)vcpu)
            continue;
        if (s->halted)
            g->halted_ns += s->end - s->start;
        else
            g->run_ns += s->end - s->start;
    }
    for (size_t i = 0; i < d->n; i++) {
        const struct trec *r = &d->recs[i];
        char key[128];
        if (strcmp(r->exit, "wake") == 0 && (vcpu < 0 || r->vcpu == (unsigned)vcpu)) {
            if (r->by >= 0)
                snprintf(key, sizeof(key), "vCPU %d -> vCPU %u", r->by, r->vcpu);
            else
                snprintf(key, sizeof(key), "timer/device -> vCPU %u", r->vcpu);
            struct row *w = row_of(&g->wakes, key);
            if (w != NULL)
                w->a++;
        }
        if (!is_exit(r->exit) || (vcpu >= 0 && r->vcpu != (unsigned)vcpu))
            continue;
        g->nexits++;
        struct row *e = row_of(&g->exits, r->exit);
        if (e == NULL)
            continue;
        e->a++;
        if (strcmp(r->exit, "halt") == 0) {
            const struct tspan *s = halted_span(d, r->vcpu, r->vt_ns);
            if (s != NULL)
                e->b += s->end - s->start; /* the time of a halt: until the vCPU woke */
        }
        if (strcmp(r->exit, "hypercall") == 0) {
            snprintf(key, sizeof(key), "%s %" PRIu64 " %s", r->ns, r->nr,
                     r->name[0] ? r->name : "(unsupported)");
            struct row *h = row_of(&g->hcalls, key);
            if (h != NULL)
                h->a++;
        } else if (strncmp(r->exit, "pio_", 4) == 0) {
            snprintf(key, sizeof(key), "0x%" PRIx64, r->port);
            struct row *p = row_of(&g->ports, key);
            if (p != NULL)
                *(strcmp(r->exit, "pio_in") == 0 ? &p->a : &p->b) += 1;
        } else if (strncmp(r->exit, "mmio_", 5) == 0) {
            snprintf(key, sizeof(key), "0x%" PRIx64, r->addr);
            struct row *m = row_of(&g->mmio, key);
            if (m != NULL)
                *(strcmp(r->exit, "mmio_read") == 0 ? &m->a : &m->b) += 1;
        }
    }
    struct table *sorted[] = {&g->exits, &g->hcalls, &g->wakes};
    for (unsigned i = 0; i < 3; i++)
        if (sorted[i]->n > 1) /* qsort's array may not be NULL, even when empty */
            qsort(sorted[i]->rows, sorted[i]->n, sizeof(struct row), by_count);
}

static void agg_free(struct agg *g)
{
    free(g->exits.rows);
    free(g->hcalls.rows);
    free(g->ports.rows);
    free(g->mmio.rows);
    free(g->wakes.rows);
}

static double pct(uint64_t a, uint64_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void print_table(const struct trace_data *d, int vcpu, const struct agg *g, FILE *out)
{
    fprintf(out, "Analyze events for %s (virtual time: %" PRIu64 " ns, %zu records):\n\n",
            vcpu < 0 ? "all vCPUs" : "one vCPU", d->end, d->n);
    if (vcpu >= 0)
        fprintf(out, "vCPU %d\n", vcpu);
    fprintf(out, "vCPU time: running %" PRIu64 " ns, halted %" PRIu64 " ns\n\n", g->run_ns,
            g->halted_ns);
    uint64_t total_time = 0;
    for (size_t i = 0; i < g->exits.n; i++)
        total_time += g->exits.rows[i].b;
    fprintf(out, "%20s %10s %9s %9s %14s %12s\n", "VM-EXIT", "Samples", "Samples%", "Time%",
            "Time(vt ns)", "Avg(vt ns)");
    for (size_t i = 0; i < g->exits.n; i++) {
        const struct row *r = &g->exits.rows[i];
        fprintf(out, "%20s %10" PRIu64 " %8.2f%% %8.2f%% %14" PRIu64 " %12" PRIu64 "\n", r->key,
                r->a, pct(r->a, g->nexits), pct(r->b, total_time), r->b, r->a ? r->b / r->a : 0);
    }
    fprintf(out, "\nTotal Samples:%" PRIu64 ", Total halted time:%" PRIu64 " ns\n", g->nexits,
            total_time);
    if (g->hcalls.n) {
        fprintf(out, "\n%-40s %10s %14s\n", "HYPERCALL (ns nr name)", "Count", "Time(vt ns)");
        for (size_t i = 0; i < g->hcalls.n; i++)
            fprintf(out, "%-40s %10" PRIu64 " %14u\n", g->hcalls.rows[i].key, g->hcalls.rows[i].a,
                    0u);
    }
    if (g->ports.n) {
        fprintf(out, "\n%-12s %10s %10s\n", "PORT", "In", "Out");
        for (size_t i = 0; i < g->ports.n; i++)
            fprintf(out, "%-12s %10" PRIu64 " %10" PRIu64 "\n", g->ports.rows[i].key,
                    g->ports.rows[i].a, g->ports.rows[i].b);
    }
    if (g->mmio.n) {
        fprintf(out, "\n%-20s %10s %10s\n", "MMIO", "Reads", "Writes");
        for (size_t i = 0; i < g->mmio.n; i++)
            fprintf(out, "%-20s %10" PRIu64 " %10" PRIu64 "\n", g->mmio.rows[i].key,
                    g->mmio.rows[i].a, g->mmio.rows[i].b);
    }
    if (g->wakes.n) {
        fprintf(out, "\n%-32s %10s\n", "WAKE-UP (IPI, kick) SOURCE -> DEST", "Count");
        for (size_t i = 0; i < g->wakes.n; i++)
            fprintf(out, "%-32s %10" PRIu64 "\n", g->wakes.rows[i].key, g->wakes.rows[i].a);
    }
}

static void json_rows(FILE *out, const char *name, const struct table *t, const char *k,
                      const char *a, const char *b)
{
    fprintf(out, ",\"%s\":[", name);
    for (size_t i = 0; i < t->n; i++) {
        fprintf(out, "%s{\"%s\":\"%s\",\"%s\":%" PRIu64, i ? "," : "", k, t->rows[i].key, a,
                t->rows[i].a);
        if (b != NULL)
            fprintf(out, ",\"%s\":%" PRIu64, b, t->rows[i].b);
        fputs("}", out);
    }
    fputs("]", out);
}

void report_print(const struct trace_data *d, int vcpu, bool json, FILE *out)
{
    struct agg g;
    aggregate(d, vcpu, &g);
    if (!json) {
        print_table(d, vcpu, &g, out);
    } else {
        fprintf(out, "{\"vt_ns\":%" PRIu64 ",\"records\":%zu,\"vcpu\":", d->end, d->n);
        if (vcpu < 0)
            fputs("null", out);
        else
            fprintf(out, "%d", vcpu);
        fprintf(out, ",\"running_ns\":%" PRIu64 ",\"halted_ns\":%" PRIu64 ",\"samples\":%" PRIu64,
                g.run_ns, g.halted_ns, g.nexits);
        json_rows(out, "exits", &g.exits, "exit", "samples", "time_ns");
        json_rows(out, "hypercalls", &g.hcalls, "hypercall", "count", NULL);
        json_rows(out, "ports", &g.ports, "port", "in", "out");
        json_rows(out, "mmio", &g.mmio, "addr", "read", "write");
        json_rows(out, "wakeups", &g.wakes, "route", "count", NULL);
        fputs("}\n", out);
    }
    agg_free(&g);
}
