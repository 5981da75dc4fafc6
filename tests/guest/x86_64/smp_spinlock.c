/* Guest test: the SDK's ticket spinlock under contention from every vCPU: exact counts with the
 * PV slow path (halts and kicks happen) and spinning (none). Build with EXPECT_PV (whether
 * KVM_FEATURE_PV_UNHALT is advertised); run with --smp 4. */
#include "smp_test.h"
#include "guest/x86_64/spinlock.h"

#ifndef EXPECT_PV
#error "build with EXPECT_PV=<0|1>"
#endif

#define HOLD_WORK 200

static struct spinlock lock = SPINLOCK_INIT;
static volatile uint64_t counter;
static volatile uint32_t phase, finished, increments, inside, overlap;

static void contend(void)
{
    for (unsigned i = 0; i < increments; i++) {
        spin_lock(&lock);
        if (atomic_fetch_add32(&inside, 1) != 0)
            overlap++;
        uint64_t c = counter;
        for (volatile unsigned w = 0; w < HOLD_WORK; w++)
            ;
        counter = c + 1; /* a lost update shows up if two CPUs are ever inside */
        atomic_fetch_add32(&inside, (uint32_t)-1);
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

static void run(bool pv, uint32_t n)
{
    spin_lock_init(&lock);
    counter = 0;
    finished = 0;
    increments = n;
    EXPECT_EQ(spinlock_pv_init(pv), pv && EXPECT_PV);
    smp_mb();
    phase++;
    contend();
    CHECK(smp_wait_eq32(&finished, smp_ncpus, 4ull * SMP_TEST_SPINS));
    EXPECT_EQ(counter, (uint64_t)n * smp_ncpus);
    EXPECT_EQ(overlap, 0);
    EXPECT_EQ(lock.head, n * smp_ncpus);
    EXPECT_EQ(lock.tail, n * smp_ncpus);
    gprintf("  %u increments on %u CPUs: counter %lu, %u halts, %u kicks\n", n, smp_ncpus,
            (unsigned long)counter, lock.slow, lock.kicks);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_smp_spinlock");
    smp_test_boot(bi, 4);
    x86_cli();

    gprintf("check: spin_trylock takes a free lock, fails on a held one; unlock frees it\n");
    spin_lock_init(&lock);
    CHECK(spin_trylock(&lock));
    CHECK(!spin_trylock(&lock));
    spin_unlock(&lock);
    CHECK(spin_trylock(&lock));
    spin_unlock(&lock);

    gprintf("check: PV slow path %s: exact count, never two holders%s\n",
            EXPECT_PV ? "on" : "off (PV_UNHALT hidden)",
            EXPECT_PV ? ", waiters halted and were kicked" : ", nobody halted");
    run(true, 400);
    if (EXPECT_PV) {
        CHECK(lock.slow > 0);
        CHECK(lock.kicks > 0);
        CHECK(lock.kicks <= lock.slow + smp_ncpus); /* a kick per halt, give or take a race */
    } else {
        EXPECT_EQ(lock.slow, 0);
        EXPECT_EQ(lock.kicks, 0);
    }

    gprintf("check: spinning only: exact count, no halts, no kicks\n");
    run(false, 40);
    EXPECT_EQ(lock.slow, 0);
    EXPECT_EQ(lock.kicks, 0);
    test_done();
}
