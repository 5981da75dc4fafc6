/* make bench: runs each architecture's hypercall round-trip benchmark and prints one line each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, unsigned n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void bench_report(const char *arch, double *ns, double *base_ns, unsigned n)
{
    double m = bench_median(ns, n), b = bench_median(base_ns, n);
    printf("hypercall_roundtrip arch=%s ns=%.1f baseline_ns=%.1f ratio=%.3f\n", arch, m, b,
           b > 0 ? m / b : 0.0);
    fflush(stdout);
}

/* Every architecture's benchmark, in the order its lines are printed. */
static const struct {
    const char *arch;
    bench_fn fn;
} benches[] = {
    {"x86_64", bench_x86_64},
    {"s390x", bench_s390x},
    {"ppc", bench_ppc},
    {"ppc64", bench_ppc64},
};

int main(int argc, char **argv)
{
    struct bench_cfg cfg = {.rounds = 11, .iterations = 200000};
    const char *only = NULL; /* softkvm-bench [--quick] [ARCH|smp|peer]: one benchmark only */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            cfg = (struct bench_cfg){.rounds = 3, .iterations = 2000};
        else
            only = argv[i];
    }
    double ns[BENCH_MAX_ROUNDS], base[BENCH_MAX_ROUNDS];
    int rc = 0;
    for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
        if (only != NULL && strcmp(only, benches[i].arch) != 0)
            continue;
        if (benches[i].fn(&cfg, ns, base) == 0)
            bench_report(benches[i].arch, ns, base, cfg.rounds);
        else
            rc = 1;
    }
    if ((only == NULL || strcmp(only, "smp") == 0) && bench_smp(&cfg) != 0)
        rc = 1;
    if ((only == NULL || strcmp(only, "peer") == 0) && bench_peer(&cfg) != 0)
        rc = 1;
    return rc;
}
