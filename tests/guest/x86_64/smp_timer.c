/* Guest test: the LVT timer: one-shot and periodic interrupts (counted), the current count going
 * down on the virtual clock, divide configuration, masking; with 2 vCPUs also per-CPU timers and
 * time passing while another vCPU runs. */
#include "smp_test.h"

#define VEC_TIMER    0x50
#define VEC_AP_TIMER 0x51

static volatile uint32_t ticks[SMP_MAX_CPUS], ap_ticks, wrong_cpu;
static volatile uint32_t cur_in_handler[16];
static volatile uint32_t ap_go, ap_done, ap_spin_go;
static volatile uint64_t ap_spins;

static void timer_handler(struct trap_frame *f)
{
    (void)f;
    unsigned cpu = smp_cpu_id();
    uint32_t n = ticks[cpu]++;
    if (n < 16)
        cur_in_handler[n] = apic_timer_current();
    apic_eoi();
}

static void ap_timer_handler(struct trap_frame *f)
{
    (void)f;
    if (smp_cpu_id() != 1)
        wrong_cpu++;
    ap_ticks++;
    apic_eoi();
}

/* A busy loop of n iterations the compiler keeps. */
static void busy(unsigned n)
{
    for (volatile unsigned i = 0; i < n; i++)
        ;
}

void ap_main(unsigned cpu)
{
    if (cpu != 1)
        return;
    smp_wait_eq32(&ap_go, 1, SMP_TEST_SPINS);
    /* Its own periodic timer: 8 interrupts on this CPU. */
    apic_timer_start(VEC_AP_TIMER, APIC_TIMER_PERIODIC, APIC_TIMER_DIV_2, 3000, false);
    smp_test_halt_until_ge(&ap_ticks, 8, 1000);
    apic_timer_stop();
    ap_done = 1;
    smp_wait_eq32(&ap_spin_go, 1, SMP_TEST_SPINS);
    x86_cli();
    for (;;) /* a runnable vCPU for the BSP to yield to */
        ap_spins++;
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_smp_timer");
    smp_test_boot(bi, bi->ncpus);
    trap_register(VEC_TIMER, timer_handler);
    trap_register(VEC_AP_TIMER, ap_timer_handler);
    x86_cli();

    gprintf("check: LVT timer, divide and initial-count registers read back\n");
    apic_timer_start(VEC_TIMER, APIC_TIMER_PERIODIC, APIC_TIMER_DIV_16, 0, true);
    EXPECT_EQ(apic_read(APIC_LVT_TIMER), VEC_TIMER | APIC_TIMER_PERIODIC | APIC_LVT_MASKED);
    EXPECT_EQ(apic_read(APIC_TIMER_DIV), APIC_TIMER_DIV_16);
    EXPECT_EQ(apic_read(APIC_TIMER_INIT), 0);
    EXPECT_EQ(apic_timer_current(), 0); /* initial count 0: stopped */

    gprintf("check: one-shot, divide 1, 20000 counts: the current count goes down, one "
            "interrupt, then 0 and no more\n");
    apic_timer_start(VEC_TIMER, APIC_TIMER_ONESHOT, APIC_TIMER_DIV_1, 20000, false);
    EXPECT_EQ(apic_read(APIC_TIMER_INIT), 20000);
    uint32_t c0 = apic_timer_current();
    busy(500);
    uint32_t c1 = apic_timer_current();
    busy(500);
    uint32_t c2 = apic_timer_current();
    CHECK(c0 <= 20000 && c0 > 0);
    CHECK(c1 < c0);
    CHECK(c2 < c1);
    EXPECT_EQ(ticks[0], 0); /* IF = 0: nothing taken yet */
    CHECK(smp_test_halt_until_ge(&ticks[0], 1, 100));
    x86_cli();
    EXPECT_EQ(ticks[0], 1);
    EXPECT_EQ(cur_in_handler[0], 0);
    EXPECT_EQ(apic_timer_current(), 0);
    x86_sti();
    busy(30000); /* far past another 20000 counts */
    kvm_hypercall_native(KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, 0);
    x86_cli();
    EXPECT_EQ(ticks[0], 1);

    gprintf("check: periodic, divide 1, 5000 counts: 6 interrupts, the count reloads; stopping "
            "it ends them\n");
    ticks[0] = 0;
    apic_timer_start(VEC_TIMER, APIC_TIMER_PERIODIC, APIC_TIMER_DIV_1, 5000, false);
    CHECK(smp_test_halt_until_ge(&ticks[0], 6, 100));
    x86_cli();
    EXPECT_EQ(ticks[0], 6);
    uint32_t cur = apic_timer_current();
    CHECK(cur > 0 && cur <= 5000); /* reloaded, running */
    for (unsigned i = 0; i < 6; i++)
        CHECK(cur_in_handler[i] > 0 && cur_in_handler[i] <= 5000);
    apic_timer_stop();
    x86_sti();
    busy(30000);
    kvm_hypercall_native(KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, 0);
    x86_cli();
    EXPECT_EQ(ticks[0], 6);
    EXPECT_EQ(apic_timer_current(), 0);

    gprintf("check: a masked one-shot timer counts down to 0 without an interrupt\n");
    ticks[0] = 0;
    apic_timer_start(VEC_TIMER, APIC_TIMER_ONESHOT, APIC_TIMER_DIV_1, 3000, true);
    x86_sti();
    busy(30000);
    kvm_hypercall_native(KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, 0);
    x86_cli();
    EXPECT_EQ(ticks[0], 0);
    EXPECT_EQ(apic_timer_current(), 0);
    EXPECT_EQ(apic_vector_bit(APIC_IRR, VEC_TIMER), 0);

    gprintf("check: divide 16 counts 16 times slower than divide 1 over the same code\n");
    apic_timer_start(VEC_TIMER, APIC_TIMER_ONESHOT, APIC_TIMER_DIV_1, 0x7FFFFFFF, true);
    uint32_t a0 = apic_timer_current();
    busy(20000);
    uint32_t d1 = a0 - apic_timer_current();
    apic_timer_start(VEC_TIMER, APIC_TIMER_ONESHOT, APIC_TIMER_DIV_16, 0x7FFFFFFF, true);
    a0 = apic_timer_current();
    busy(20000);
    uint32_t d16 = a0 - apic_timer_current();
    apic_timer_stop();
    gprintf("  decrease over the loop: %u at divide 1, %u at divide 16\n", d1, d16);
    CHECK(d16 > 0);
    CHECK(d1 + 16 >= 16 * d16 && d1 <= 16 * d16 + 16);

    if (bi->ncpus >= 2) {
        gprintf("check: CPU 1's periodic timer interrupts CPU 1 only (8 times)\n");
        ticks[0] = 0;
        ap_go = 1;
        CHECK(smp_wait_eq32(&ap_done, 1, SMP_TEST_SPINS));
        EXPECT_EQ(ap_ticks, 8);
        EXPECT_EQ(wrong_cpu, 0);
        EXPECT_EQ(ticks[0], 0);

        gprintf("check: virtual time passes while another vCPU runs: a yield to spinning CPU 1 "
                "costs the BSP's timer at least one slice (10000 counts)\n");
        ap_spin_go = 1;
        CHECK(smp_test_wait_ge((volatile uint32_t *)&ap_spins, 1, SMP_TEST_SPINS));
        apic_timer_start(VEC_TIMER, APIC_TIMER_ONESHOT, APIC_TIMER_DIV_1, 0x7FFFFFFF, true);
        uint32_t before = apic_timer_current();
        uint64_t spins_before = ap_spins;
        EXPECT_EQ(kvm_sched_yield(1), 0);
        uint32_t after = apic_timer_current();
        CHECK(ap_spins > spins_before);
        gprintf("  %u counts passed\n", before - after);
        CHECK(before - after >= 10000);
        apic_timer_stop();
    }
    test_done();
}
