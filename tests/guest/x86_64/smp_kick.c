/* Guest test: KVM_HC_KICK_CPU (a kick before HLT is kept, a halted vCPU wakes and only it) and
 * KVM_HC_SCHED_YIELD (0 always; the target runs next). Run with --smp 4. */
#include "smp_test.h"

/* Per-CPU progress, written by the APs. */
static volatile uint32_t stage[SMP_MAX_CPUS];  /* what the AP is doing (see ap_main) */
static volatile uint32_t passed[SMP_MAX_CPUS]; /* HLTs the AP came out of */
static volatile uint64_t spins[SMP_MAX_CPUS];  /* spin-loop progress */
static volatile uint32_t go[SMP_MAX_CPUS];     /* the BSP's instruction for the AP */

enum { GO_WAIT = 0, GO_HALT_AFTER_FLAG, GO_HALT_LOOP, GO_SPIN, GO_EXIT };

/* Ends only if a kick (or an NMI) wakes it: interrupts are off. */
static void cli_hlt(void)
{
    x86_cli();
    x86_hlt();
}

void ap_main(unsigned cpu)
{
    x86_cli();
    for (;;) {
        uint32_t g = go[cpu];
        if (g == GO_HALT_AFTER_FLAG) {
            /* Kick-before-halt: report ready, wait for the BSP to say it has kicked, then HLT.
             * Then a second HLT, which needs a second kick. */
            stage[cpu] = 1;
            while (go[cpu] == GO_HALT_AFTER_FLAG)
                x86_pause();
            cli_hlt();
            passed[cpu]++;
            cli_hlt();
            passed[cpu]++;
        } else if (g == GO_HALT_LOOP) {
            stage[cpu] = 2;
            cli_hlt();
            passed[cpu]++;
            continue;
        } else if (g == GO_SPIN) {
            stage[cpu] = 3;
            spins[cpu]++;
            continue;
        } else if (g == GO_EXIT) {
            return;
        }
        x86_pause();
    }
}

static void snapshot(uint64_t *s)
{
    for (unsigned i = 0; i < 4; i++)
        s[i] = spins[i];
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_smp_kick");
    smp_test_boot(bi, 4);
    x86_cli();

    /* ---- A kick that arrives while the target runs is kept for its next HLT ---- */
    gprintf("check: a kick sent before CPU 1 halts makes its HLT (IF = 0) return at once\n");
    go[1] = GO_HALT_AFTER_FLAG;
    CHECK(smp_wait_eq32(&stage[1], 1, SMP_TEST_SPINS));
    EXPECT_EQ(kvm_kick_cpu(1), 0); /* CPU 1 is runnable, spinning on go[1] */
    go[1] = GO_WAIT;               /* now it will HLT */
    CHECK(smp_test_wait_ge(&passed[1], 1, SMP_TEST_SPINS));
    EXPECT_EQ(passed[1], 1);
    gprintf("check: the kick is used up: CPU 1's second HLT sleeps until the next kick\n");
    smp_test_settle(100000);
    EXPECT_EQ(passed[1], 1);
    EXPECT_EQ(kvm_kick_cpu(1), 0);
    CHECK(smp_test_wait_ge(&passed[1], 2, SMP_TEST_SPINS));
    EXPECT_EQ(passed[1], 2);

    /* ---- A kick wakes the halted vCPU it names and no other ---- */
    gprintf("check: with CPUs 1-3 halted (IF = 0), a kick of APIC ID 2 wakes CPU 2 only\n");
    uint32_t base[4];
    for (unsigned c = 1; c < 4; c++) {
        go[c] = GO_HALT_LOOP;
        CHECK(smp_wait_eq32(&stage[c], 2, SMP_TEST_SPINS));
    }
    smp_test_settle(100000); /* every AP has reached its HLT */
    for (unsigned c = 1; c < 4; c++)
        base[c] = passed[c];
    EXPECT_EQ(kvm_kick_cpu(2), 0);
    CHECK(smp_test_wait_ge(&passed[2], base[2] + 1, SMP_TEST_SPINS));
    smp_test_settle(100000);
    EXPECT_EQ(passed[1], base[1]);
    EXPECT_EQ(passed[2], base[2] + 1);
    EXPECT_EQ(passed[3], base[3]);

    gprintf("check: KICK_CPU takes the APIC ID from a1: a0 = 3, a1 = 1 wakes CPU 1 only\n");
    for (unsigned c = 1; c < 4; c++)
        base[c] = passed[c];
    EXPECT_EQ(kvm_hypercall_native(KVM_HC_KICK_CPU, 3, 1, 0, 0), 0);
    CHECK(smp_test_wait_ge(&passed[1], base[1] + 1, SMP_TEST_SPINS));
    smp_test_settle(100000);
    EXPECT_EQ(passed[1], base[1] + 1);
    EXPECT_EQ(passed[2], base[2]);
    EXPECT_EQ(passed[3], base[3]);

    gprintf("check: a kick of an APIC ID that does not exist returns 0 and wakes nobody\n");
    for (unsigned c = 1; c < 4; c++)
        base[c] = passed[c];
    EXPECT_EQ(kvm_kick_cpu(4), 0);
    EXPECT_EQ(kvm_kick_cpu(255), 0);
    EXPECT_EQ(kvm_hypercall_native(KVM_HC_KICK_CPU, 0, 0xFFFFFFFFul, 0, 0), 0);
    EXPECT_EQ(kvm_hypercall_native(KVM_HC_KICK_CPU, 0, 0x100000001ul, 0, 0), 0);
    smp_test_settle(100000);
    for (unsigned c = 1; c < 4; c++)
        EXPECT_EQ(passed[c], base[c]);

    gprintf("check: a kick of oneself returns 0 and makes one's next HLT (IF = 0) return\n");
    EXPECT_EQ(kvm_kick_cpu(0), 0);
    cli_hlt(); /* were the kick lost, every vCPU would now be halted: the run would end (81) */
    CHECK(true);

    /* ---- SCHED_YIELD ---- */
    gprintf("check: SCHED_YIELD to oneself, to missing APIC IDs, to a halted vCPU returns 0 and "
            "switches to nobody\n");
    go[2] = GO_SPIN;
    go[3] = GO_SPIN;
    kvm_kick_cpu(2);
    kvm_kick_cpu(3);
    CHECK(smp_wait_eq32(&stage[2], 3, SMP_TEST_SPINS));
    CHECK(smp_wait_eq32(&stage[3], 3, SMP_TEST_SPINS));
    uint64_t s0[4], s1[4];
    EXPECT_EQ(kvm_sched_yield(3), 0); /* a fresh slice for the BSP when it comes back */
    snapshot(s0);
    long y_self = kvm_sched_yield(0);
    long y_missing = kvm_sched_yield(4);
    long y_far = kvm_hypercall_native(KVM_HC_SCHED_YIELD, 0xFFFFFFFFFFFFFFFFul, 0, 0, 0);
    long y_halted = kvm_sched_yield(1); /* CPU 1 sleeps in its HLT loop */
    snapshot(s1);
    EXPECT_EQ(y_self, 0);
    EXPECT_EQ(y_missing, 0);
    EXPECT_EQ(y_far, 0);
    EXPECT_EQ(y_halted, 0);
    EXPECT_EQ(s1[2], s0[2]); /* nobody else ran in between */
    EXPECT_EQ(s1[3], s0[3]);

    gprintf("check: SCHED_YIELD to APIC ID 3 (runnable) returns 0 and CPU 3 runs next, before "
            "CPU 2\n");
    EXPECT_EQ(kvm_sched_yield(3), 0);
    snapshot(s0);
    long y3 = kvm_sched_yield(3);
    snapshot(s1);
    EXPECT_EQ(y3, 0);
    CHECK(s1[3] > s0[3]);
    EXPECT_EQ(s1[2], s0[2]);
    gprintf("check: SCHED_YIELD to APIC ID 2 lets CPU 2 run\n");
    snapshot(s0);
    EXPECT_EQ(kvm_sched_yield(2), 0);
    snapshot(s1);
    CHECK(s1[2] > s0[2]);

    for (unsigned c = 1; c < 4; c++)
        go[c] = GO_EXIT;
    kvm_kick_cpu(1);
    test_done();
}
