/* Two VMs in one process on two threads: each guest runs alone first, then beside another guest
 * (and beside itself) on a second thread, and must give the same trace and console output as
 * alone. Shows that softkvm keeps no state shared between VMs (run under ASan and TSan too).
 * usage: two_vms DIR NCPUS:KERNEL... (DIR for the trace files; at least two kernels). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "softkvm/kernel.h"
#include "softkvm/vm.h"

#define MAX_GUESTS 8

struct guest {
    const char *path;
    unsigned ncpus;
    uint8_t *elf;
    uint64_t len;
    char *trace; /* alone: the trace file's contents */
    size_t trace_len;
    char *out; /* alone: the console output */
    size_t out_len;
};

/* One run of a guest: where its trace goes, and what it gave. */
struct run {
    const struct guest *g;
    char trace_path[512];
    pthread_barrier_t *start;
    int ok;
    char *out;
    size_t out_len;
    char why[600];
};

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            char *b = realloc(buf, cap);
            if (b == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    *len = n;
    return buf;
}

static void *run_guest(void *arg)
{
    struct run *r = arg;
    char err[512];
    FILE *console = open_memstream(&r->out, &r->out_len);
    if (console == NULL) {
        snprintf(r->why, sizeof(r->why), "no memory stream");
        return NULL;
    }
    struct vm_config cfg = {.ram_mib = 128,
                            .ncpus = r->g->ncpus,
                            .hypercall_patching = true,
                            .trace_path = r->trace_path,
                            .console = console};
    struct vm *vm = NULL;
    if (r->start != NULL)
        pthread_barrier_wait(r->start);
    if (kernel_boot_vm(&vm, &cfg, r->g->elf, r->g->len, err, sizeof(err)) != 0) {
        snprintf(r->why, sizeof(r->why), "%s", err);
    } else {
        const struct vm_outcome *o = vm_run(vm);
        if (o->kind == OUTCOME_GUEST_EXIT && o->status == 0)
            r->ok = 1;
        else
            snprintf(r->why, sizeof(r->why), "outcome %d status %d: %s", o->kind, o->status,
                     o->reason);
        vm_destroy(vm);
    }
    fclose(console);
    return NULL;
}

/* Compare a run with the guest's run alone; 0 when equal. */
static int check(const struct run *r, const char *with)
{
    const struct guest *g = r->g;
    if (!r->ok) {
        fprintf(stderr, "FAIL %s beside %s: %s\n", g->path, with, r->why);
        return 1;
    }
    size_t len = 0;
    char *t = slurp(r->trace_path, &len);
    int bad = 0;
    if (t == NULL || len != g->trace_len || memcmp(t, g->trace, len) != 0) {
        fprintf(stderr,
                "FAIL %s beside %s: the trace differs from its run alone (%zu vs %zu "
                "bytes)\n",
                g->path, with, len, g->trace_len);
        bad = 1;
    }
    if (r->out_len != g->out_len || memcmp(r->out, g->out, g->out_len) != 0) {
        fprintf(stderr, "FAIL %s beside %s: the console output differs\n", g->path, with);
        bad = 1;
    }
    free(t);
    return bad;
}

/* Run guests a and b at once on two threads and check both. */
static int pair(const char *dir, struct guest *a, struct guest *b, unsigned ia, unsigned ib)
{
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, 2);
    struct run r[2] = {{.g = a, .start = &start}, {.g = b, .start = &start}};
    snprintf(r[0].trace_path, sizeof(r[0].trace_path), "%s/pair_%u_%u_a", dir, ia, ib);
    snprintf(r[1].trace_path, sizeof(r[1].trace_path), "%s/pair_%u_%u_b", dir, ia, ib);
    pthread_t th[2];
    int bad = 0;
    for (int i = 0; i < 2; i++) {
        if (pthread_create(&th[i], NULL, run_guest, &r[i]) != 0) {
            fprintf(stderr, "FAIL: cannot create a thread\n");
            return 1;
        }
    }
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    bad |= check(&r[0], b->path);
    bad |= check(&r[1], a->path);
    for (int i = 0; i < 2; i++) {
        free(r[i].out);
        remove(r[i].trace_path);
    }
    pthread_barrier_destroy(&start);
    if (!bad)
        printf("ok: %s beside %s\n", a->path, b->path);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc - 2 > MAX_GUESTS) {
        fprintf(stderr, "usage: %s DIR NCPUS:KERNEL NCPUS:KERNEL... (2 to %d kernels)\n", argv[0],
                MAX_GUESTS);
        return 2;
    }
    const char *dir = argv[1];
    unsigned n = (unsigned)(argc - 2);
    struct guest g[MAX_GUESTS] = {{0}};
    char err[512];
    int bad = 0;
    for (unsigned i = 0; i < n; i++) {
        char *colon = strchr(argv[i + 2], ':');
        if (colon == NULL) {
            fprintf(stderr, "%s: expected NCPUS:KERNEL\n", argv[i + 2]);
            return 2;
        }
        g[i].ncpus = (unsigned)strtoul(argv[i + 2], NULL, 10);
        g[i].path = colon + 1;
        if (kernel_read_file(g[i].path, &g[i].elf, &g[i].len, err, sizeof(err)) != 0) {
            fprintf(stderr, "%s\n", err);
            return 2;
        }
        /* Alone. */
        struct run r = {.g = &g[i]};
        snprintf(r.trace_path, sizeof(r.trace_path), "%s/alone_%u", dir, i);
        run_guest(&r);
        if (!r.ok) {
            fprintf(stderr, "FAIL %s alone: %s\n", g[i].path, r.why);
            return 1;
        }
        g[i].trace = slurp(r.trace_path, &g[i].trace_len);
        remove(r.trace_path);
        g[i].out = r.out;
        g[i].out_len = r.out_len;
        if (g[i].trace == NULL || g[i].trace_len == 0) {
            fprintf(stderr, "FAIL %s alone: no trace written\n", g[i].path);
            return 1;
        }
        printf("alone: %s: %zu trace bytes\n", g[i].path, g[i].trace_len);
    }
    /* Each beside the next (every arch beside another), and each beside itself. */
    for (unsigned i = 0; i < n; i++) {
        bad |= pair(dir, &g[i], &g[(i + 1) % n], i, (i + 1) % n);
        bad |= pair(dir, &g[i], &g[i], i, i);
    }
    for (unsigned i = 0; i < n; i++) {
        free(g[i].elf);
        free(g[i].trace);
        free(g[i].out);
    }
    printf(bad ? "FAILED\n" : "PASS two_vms\n");
    return bad;
}
