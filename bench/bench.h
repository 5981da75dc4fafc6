/* Shared pieces of the benchmarks: timing, medians, and the line format. */
#ifndef SOFTKVM_BENCH_H
#define SOFTKVM_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#define BENCH_MAX_ROUNDS 31

struct bench_cfg {
    unsigned rounds;     /* odd, <= BENCH_MAX_ROUNDS */
    uint64_t iterations; /* hypercalls (or exits) per round */
};

/* Monotonic time in nanoseconds. */
uint64_t bench_now_ns(void);

/* Median of n values (n >= 1); reorders v. */
double bench_median(double *v, unsigned n);

/* Print the hypercall_roundtrip line for arch from per-round ns-per-call samples. */
void bench_report(const char *arch, double *ns, double *base_ns, unsigned n);

/* One architecture's benchmark: per-round ns per hypercall through softkvm (ns) and per exit of
 * the bare engine (base_ns), in alternating rounds. Returns 0 or -1 (message printed). It may
 * print further lines of its own (e.g. `compute arch=... ratio=...`). */
typedef int (*bench_fn)(const struct bench_cfg *cfg, double *ns, double *base_ns);

int bench_x86_64(const struct bench_cfg *cfg, double *ns, double *base_ns);
int bench_s390x(const struct bench_cfg *cfg, double *ns, double *base_ns);
int bench_ppc(const struct bench_cfg *cfg, double *ns, double *base_ns);
int bench_ppc64(const struct bench_cfg *cfg, double *ns, double *base_ns);

/* The x86-64 SMP lines (pv_spinlock, ipi_roundtrip), printed here. Returns 0 or -1. */
int bench_smp(const struct bench_cfg *cfg);

/* The x86-64 compute lines (compute, compute_clocked), printed here. Returns 0 or -1. */
int bench_x86_compute(const struct bench_cfg *cfg);

/* The peer_compute lines: guests/peer/ workloads under softkvm and qemu-system-x86_64 -accel tcg,
 * each a whole process. Returns 0 or -1 (message printed). */
int bench_peer(const struct bench_cfg *cfg);

/* Run the prebuilt guest guests/NAME (e.g. "x86_64/hello") with ncpus vCPUs: wall time of the
 * run in *wall_ns, what it printed in out. Returns 0 if it ended with status 0, else -1 (message
 * printed). */
int bench_guest_run(const char *name, unsigned ncpus, uint64_t *wall_ns, char *out, size_t outlen);

#endif
