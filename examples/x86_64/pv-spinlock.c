/* Example x86-64 guest: 4 vCPUs contend on a ticket spinlock around a shared counter, once with
 * the PV slow path (halt, KVM_HC_KICK_CPU) and once spinning; prints the virtual time of each. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/smp.h"
#include "guest/x86_64/spinlock.h"

/* Increments per vCPU and the work done while holding the lock (iterations of an empty loop). */
#ifndef INCREMENTS
#define INCREMENTS 1000
#endif
#ifndef HOLD_WORK
#define HOLD_WORK 50
#endif
/* BENCH_MODE 0: spin only, 1: PV only (the benchmark guests); undefined: both (the example). */

static struct spinlock lock = SPINLOCK_INIT;
static volatile uint64_t counter;
static volatile uint32_t phase, finished;

static void hold(void)
{
    for (volatile unsigned i = 0; i < HOLD_WORK; i++)
        ;
}

static void contend(void)
{
    for (unsigned i = 0; i < INCREMENTS; i++) {
        spin_lock(&lock);
        counter++;
        hold();
        spin_unlock(&lock);
    }
    atomic_fetch_add32(&finished, 1);
}

void ap_main(unsigned cpu)
{
    (void)cpu;
    x86_cli();
    for (uint32_t seen = 0;;) {
        while (phase == seen)
            x86_pause();
        seen = phase;
        contend();
    }
}

/* One run on every CPU; returns the virtual ns it took (the BSP's APIC timer). */
static uint64_t run(bool pv, const char *name)
{
    spin_lock_init(&lock);
    counter = 0;
    finished = 0;
    spinlock_pv_init(pv);
    apic_vclock_start();
    smp_mb();
    phase++;
    contend();
    while (finished < smp_ncpus)
        x86_pause();
    uint64_t ns = apic_vclock_ns();
    apic_timer_stop();
    gprintf("%-12s counter %lu (want %lu), %lu.%03lu ms of virtual time, %u halts, %u kicks\n",
            name, (unsigned long)counter, (unsigned long)INCREMENTS * smp_ncpus,
            (unsigned long)(ns / 1000000), (unsigned long)(ns / 1000 % 1000), lock.slow,
            lock.kicks);
    return ns;
}

int kmain(const struct skvm_boot_info *bi)
{
    x86_init(bi, false);
    smp_init();
    unsigned n = smp_boot_aps();
    x86_cli();
    gprintf("pv-spinlock: %u vCPUs, %u increments each, KVM_FEATURE_PV_UNHALT %s\n", n, INCREMENTS,
            kvm_para_has_feature(KVM_FEATURE_PV_UNHALT) ? "advertised" : "absent");
    uint64_t want = (uint64_t)INCREMENTS * smp_ncpus;
    int status = 0;
#if !defined(BENCH_MODE) || BENCH_MODE == 1
    bool pv = spinlock_pv_init(true);
    if (!pv)
        gprintf("no PV slow path here (PV_UNHALT absent or one vCPU): the PV run spins too\n");
    __attribute__((unused)) uint64_t pv_ns = run(true, "PV:");
    status |= counter != want;
#endif
#if !defined(BENCH_MODE) || BENCH_MODE == 0
    __attribute__((unused)) uint64_t spin_ns = run(false, "spin only:");
    status |= counter != want;
#endif
#if !defined(BENCH_MODE)
    if (pv_ns > 0)
        gprintf("spin / pv = %lu.%02lu\n", (unsigned long)(spin_ns / pv_ns),
                (unsigned long)(spin_ns * 100 / pv_ns % 100));
#endif
    gprintf("%s\n", status == 0 ? "counts correct" : "COUNT WRONG");
    return status;
}
