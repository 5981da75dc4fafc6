/* Guest test: local APIC IPI routing (shorthands, broadcast, logical flat and cluster), priority
 * order, TPR/PPR, nesting and EOI. Run with --smp 4. With LOWEST_ONLY: a lowest-priority IPI to
 * several CPUs is delivered to one of them. (CR8 is not tied to the TPR: Unicorn drops CR8
 * writes; see docs/platform.md.) */
#include "smp_test.h"

#define NCPUS 4
#define VEC_A 0x45 /* class 4 */
#define VEC_B 0x65 /* class 6 */
#define VEC_C 0x85 /* class 8 */
#define VEC_N 0x50 /* nesting: outer */
#define VEC_H 0x90 /* nesting: inner (higher) */

static volatile uint32_t got[SMP_MAX_CPUS][3]; /* per CPU: VEC_A, VEC_B, VEC_C */
static volatile uint32_t order[8], norder;     /* BSP: vectors in the order taken */
__attribute__((unused)) static uint32_t expect[SMP_MAX_CPUS][3];

static unsigned slot(unsigned v)
{
    return v == VEC_A ? 0 : v == VEC_B ? 1 : 2;
}

static void count_handler(struct trap_frame *f)
{
    unsigned cpu = smp_cpu_id();
    got[cpu][slot((unsigned)f->vector)]++;
    if (cpu == 0 && norder < 8)
        order[norder++] = (uint32_t)f->vector;
    apic_eoi();
}

static void poll(void)
{
    kvm_hypercall_native(KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, 0);
}

#if !defined(LOWEST_ONLY)
/* Let the APs (idle, interrupts on) and the BSP (polling with IF = 1) take what is pending, then
 * compare every CPU's counts with expect[]. */
static void settle_and_compare(const char *what)
{
    x86_sti();
    for (unsigned i = 0; i < 20; i++) {
        poll();
        smp_test_settle(10000);
    }
    x86_cli();
    unsigned bad = 0;
    for (unsigned c = 0; c < NCPUS; c++)
        for (unsigned s = 0; s < 3; s++)
            if (got[c][s] != expect[c][s]) {
                gprintf("  %s: CPU %u vector slot %u: %u, want %u\n", what, c, s, got[c][s],
                        expect[c][s]);
                expect[c][s] = got[c][s];
                bad++;
            }
    EXPECT_EQ(bad, 0);
}

static void expect_on(unsigned mask, unsigned v)
{
    for (unsigned c = 0; c < NCPUS; c++)
        if ((mask >> c) & 1)
            expect[c][slot(v)]++;
}

static void set_cluster(void *arg)
{
    apic_write(APIC_DFR, 0x0FFFFFFFu);
    apic_write(APIC_LDR, (uint32_t)(uintptr_t)arg << 24);
}

static void set_flat(void *arg)
{
    (void)arg;
    apic_enable();
}

/* ---- nesting ---- */
static volatile uint32_t nest_isr_both, nest_ppr, nest_after_inner_eoi, inner_ran;
static volatile uint32_t low_taken_in_outer, low_taken;

static void inner_handler(struct trap_frame *f)
{
    (void)f;
    inner_ran++;
    nest_isr_both = apic_vector_bit(APIC_ISR, VEC_N) && apic_vector_bit(APIC_ISR, VEC_H);
    nest_ppr = apic_read(APIC_PPR);
    apic_eoi(); /* retires VEC_H, the highest in service */
    nest_after_inner_eoi = apic_vector_bit(APIC_ISR, VEC_N) && !apic_vector_bit(APIC_ISR, VEC_H);
}

static void low_handler(struct trap_frame *f)
{
    (void)f;
    low_taken++;
    apic_eoi();
}

static void outer_handler(struct trap_frame *f)
{
    (void)f;
    x86_sti();
    apic_send_icr(0, APIC_DEST_SELF | APIC_DM_FIXED | APIC_INT_ASSERT | 0x40); /* class 4 < 5 */
    apic_send_icr(0, APIC_DEST_SELF | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_H);
    for (unsigned i = 0; i < 5; i++)
        poll(); /* VEC_H nests here; 0x40 must wait for the EOI of VEC_N */
    low_taken_in_outer = low_taken;
    x86_cli();
    apic_eoi();
}

#endif

int kmain(const struct skvm_boot_info *bi)
{
#if defined(LOWEST_ONLY)
    test_start("x86_smp_apic_lowest");
#else
    test_start("x86_smp_apic");
#endif
    smp_test_boot(bi, NCPUS);
    trap_register(VEC_A, count_handler);
    trap_register(VEC_B, count_handler);
    trap_register(VEC_C, count_handler);
    x86_cli();

#if defined(LOWEST_ONLY)
    gprintf("check: lowest-priority IPI, logical flat destination 0x0E (CPUs 1-3): exactly one "
            "CPU takes it\n");
    apic_send_icr(0x0E, APIC_DM_LOWEST | APIC_DEST_LOGICAL | APIC_INT_ASSERT | VEC_A);
    x86_sti();
    for (unsigned i = 0; i < 20; i++) {
        poll();
        smp_test_settle(10000);
    }
    x86_cli();
    unsigned takers = 0;
    for (unsigned c = 0; c < NCPUS; c++)
        takers += got[c][0];
    EXPECT_EQ(got[0][0], 0);
    EXPECT_EQ(takers, 1);
#else
    gprintf("check: fixed IPI with the self shorthand: the BSP only\n");
    apic_send_icr(3, APIC_DEST_SELF | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_A);
    expect_on(1u << 0, VEC_A);
    settle_and_compare("self");

    gprintf("check: all-including-self shorthand: every CPU once\n");
    apic_send_icr(0, APIC_DEST_ALLINC | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_A);
    expect_on(0xF, VEC_A);
    settle_and_compare("all including self");

    gprintf("check: all-but-self shorthand: CPUs 1-3\n");
    apic_send_icr(0, APIC_DEST_ALLBUT | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_B);
    expect_on(0xE, VEC_B);
    settle_and_compare("all but self");

    gprintf("check: physical destination 0xFF (broadcast): every CPU\n");
    apic_send_ipi(APIC_BROADCAST_ID, VEC_C);
    expect_on(0xF, VEC_C);
    settle_and_compare("broadcast");

    gprintf("check: physical destination 2: CPU 2 only; destination 9 (absent): nobody\n");
    apic_send_ipi(2, VEC_A);
    apic_send_ipi(9, VEC_A);
    expect_on(1u << 2, VEC_A);
    settle_and_compare("physical");

    gprintf("check: logical flat destination 0x06 (LDR bits 1, 2): CPUs 1 and 2\n");
    for (unsigned c = 0; c < NCPUS; c++)
        EXPECT_EQ(apic_read(APIC_LDR) >> 24, 1u); /* the BSP's: bit 0 */
    apic_send_icr(0x06, APIC_DEST_LOGICAL | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_B);
    expect_on(0x6, VEC_B);
    settle_and_compare("logical flat");

    gprintf("check: logical cluster model: 0x13 reaches cluster 1 members 1, 2; 0x21 CPU 3\n");
    set_cluster((void *)0x01);
    CHECK(smp_call(1, set_cluster, (void *)0x11));
    CHECK(smp_call(2, set_cluster, (void *)0x12));
    CHECK(smp_call(3, set_cluster, (void *)0x21));
    EXPECT_EQ(apic_read(APIC_DFR) >> 28, 0);
    apic_send_icr(0x13, APIC_DEST_LOGICAL | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_C);
    expect_on(0x6, VEC_C);
    apic_send_icr(0x21, APIC_DEST_LOGICAL | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_C);
    expect_on(0x8, VEC_C);
    settle_and_compare("logical cluster");
    set_flat(NULL);
    for (unsigned c = 1; c < NCPUS; c++)
        CHECK(smp_call(c, set_flat, NULL));

    gprintf("check: three pending vectors are taken highest first (0x85, 0x65, 0x45)\n");
    norder = 0;
    apic_send_icr(0, APIC_DEST_SELF | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_A);
    apic_send_icr(0, APIC_DEST_SELF | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_C);
    apic_send_icr(0, APIC_DEST_SELF | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_B);
    CHECK(apic_vector_bit(APIC_IRR, VEC_A) && apic_vector_bit(APIC_IRR, VEC_B) &&
          apic_vector_bit(APIC_IRR, VEC_C));
    expect_on(1, VEC_A);
    expect_on(1, VEC_B);
    expect_on(1, VEC_C);
    settle_and_compare("priority order");
    EXPECT_EQ(norder, 3);
    EXPECT_EQ(order[0], VEC_C);
    EXPECT_EQ(order[1], VEC_B);
    EXPECT_EQ(order[2], VEC_A);

    gprintf("check: TPR 0x70 holds back 0x65 (PPR 0x70), lets 0x85 through; TPR 0 frees 0x65\n");
    apic_write(APIC_TPR, 0x70);
    EXPECT_EQ(apic_read(APIC_TPR), 0x70);
    EXPECT_EQ(apic_read(APIC_PPR), 0x70);
    apic_send_icr(0, APIC_DEST_SELF | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_B);
    apic_send_icr(0, APIC_DEST_SELF | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_C);
    expect_on(1, VEC_C);
    settle_and_compare("TPR 0x70");
    EXPECT_EQ(apic_vector_bit(APIC_IRR, VEC_B), 1);
    apic_write(APIC_TPR, 0);
    expect_on(1, VEC_B);
    settle_and_compare("TPR 0");
    EXPECT_EQ(apic_read(APIC_PPR), 0);

    gprintf("check: a higher vector nests in a lower one's handler (both in service, PPR 0x90); "
            "EOI retires the highest; a lower one waits for the outer EOI\n");
    trap_register(VEC_N, outer_handler);
    trap_register(VEC_H, inner_handler);
    trap_register(0x40, low_handler);
    apic_send_icr(0, APIC_DEST_SELF | APIC_DM_FIXED | APIC_INT_ASSERT | VEC_N);
    x86_sti();
    for (unsigned i = 0; i < 5; i++)
        poll();
    x86_cli();
    EXPECT_EQ(inner_ran, 1);
    EXPECT_EQ(nest_isr_both, 1);
    EXPECT_EQ(nest_ppr & 0xF0, 0x90);
    EXPECT_EQ(nest_after_inner_eoi, 1);
    EXPECT_EQ(low_taken_in_outer, 0);
    EXPECT_EQ(low_taken, 1);
    EXPECT_EQ(apic_vector_bit(APIC_ISR, VEC_N), 0);
    EXPECT_EQ(apic_read(APIC_PPR), 0);
#endif
    test_done();
}
