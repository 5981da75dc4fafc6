/* x86-64 SMP benchmarks: the PV spinlock against plain spinning (4 vCPUs) and the IPI round trip
 * between two vCPUs, each from a prebuilt guest, wall time of the whole run, median of rounds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* Median wall time in ms of `rounds` runs of guest. */
static int median_run_ms(const char *guest, unsigned ncpus, unsigned rounds, double *ms)
{
    double t[BENCH_MAX_ROUNDS];
    for (unsigned r = 0; r < rounds; r++) {
        uint64_t ns;
        if (bench_guest_run(guest, ncpus, &ns, NULL, 0) != 0)
            return -1;
        t[r] = (double)ns / 1e6;
    }
    *ms = bench_median(t, rounds);
    return 0;
}

static int pv_spinlock(const struct bench_cfg *cfg)
{
    unsigned rounds = cfg->rounds > 5 ? 5 : cfg->rounds;
    double spin_ms, pv_ms;
    if (median_run_ms("x86_64/bench_pv_spinlock_spin", 4, rounds, &spin_ms) != 0 ||
        median_run_ms("x86_64/bench_pv_spinlock_pv", 4, rounds, &pv_ms) != 0)
        return -1;
    printf("pv_spinlock vcpus=4 spin_ms=%.1f pv_ms=%.1f ratio=%.2f\n", spin_ms, pv_ms,
           pv_ms > 0 ? spin_ms / pv_ms : 0.0);
    fflush(stdout);
    return 0;
}

static int ipi_roundtrip(const struct bench_cfg *cfg)
{
    unsigned rounds = cfg->rounds > 5 ? 5 : cfg->rounds;
    double per[BENCH_MAX_ROUNDS];
    for (unsigned r = 0; r < rounds; r++) {
        uint64_t ns;
        char out[4096];
        if (bench_guest_run("x86_64/bench_ipi_pingpong", 2, &ns, out, sizeof(out)) != 0)
            return -1;
        const char *p = strstr(out, "ipi_pingpong rounds=");
        unsigned long n = p != NULL ? strtoul(p + strlen("ipi_pingpong rounds="), NULL, 10) : 0;
        if (n == 0) {
            fprintf(stderr, "bench: bench_ipi_pingpong did not say how many rounds it made\n");
            return -1;
        }
        per[r] = (double)ns / (double)n;
    }
    printf("ipi_roundtrip arch=x86_64 ns=%.0f\n", bench_median(per, rounds));
    fflush(stdout);
    return 0;
}

int bench_smp(const struct bench_cfg *cfg)
{
    int rc = pv_spinlock(cfg);
    if (ipi_roundtrip(cfg) != 0)
        rc = -1;
    return rc;
}
