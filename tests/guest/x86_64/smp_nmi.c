/* Guest test: NMI IPIs (ICR, self shorthand, KVM_HC_SEND_IPI) reach IF = 0 and halted vCPUs and
 * software-disabled APICs. Run with --smp 4. */
#include "smp_test.h"

#define VEC_FIXED 0x70

static volatile uint32_t nmis[SMP_MAX_CPUS], fixed[SMP_MAX_CPUS];
static volatile uint32_t nmi_if_on;     /* an NMI frame had IF set although the CPU had it off */
static volatile uint32_t nmi_wrong_vec; /* an NMI came through another vector */
static volatile uint32_t go[SMP_MAX_CPUS], stage[SMP_MAX_CPUS], after_hlt[SMP_MAX_CPUS];

enum { GO_WAIT = 0, GO_SPIN_OFF, GO_HLT_OFF, GO_DISABLE_APIC, GO_EXIT };

static void nmi_handler(struct trap_frame *f)
{
    if (f->vector != X86_VEC_NMI)
        nmi_wrong_vec++;
    if (f->rflags & X86_RFLAGS_IF)
        nmi_if_on++;
    nmis[smp_cpu_id()]++;
}

static void fixed_handler(struct trap_frame *f)
{
    (void)f;
    fixed[smp_cpu_id()]++;
    apic_eoi();
}

void ap_main(unsigned cpu)
{
    x86_cli();
    for (;;) {
        uint32_t g = go[cpu];
        stage[cpu] = g;
        if (g == GO_HLT_OFF) {
            x86_hlt(); /* interrupts off: only an NMI (or a kick) wakes it */
            after_hlt[cpu]++;
            go[cpu] = GO_WAIT;
        } else if (g == GO_DISABLE_APIC) {
            apic_disable();
            go[cpu] = GO_SPIN_OFF;
        } else if (g == GO_EXIT) {
            return;
        }
        x86_pause();
    }
}

static uint32_t icr_nmi_self(void)
{
    return APIC_DEST_SELF | APIC_DM_NMI | APIC_INT_ASSERT;
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_smp_nmi");
    smp_test_boot(bi, 4);
    trap_register(X86_VEC_NMI, nmi_handler);
    trap_register(VEC_FIXED, fixed_handler);

    gprintf(
        "check: an NMI through the ICR reaches CPU 1 spinning with IF = 0, once, as vector 2\n");
    go[1] = GO_SPIN_OFF;
    CHECK(smp_wait_eq32(&stage[1], GO_SPIN_OFF, SMP_TEST_SPINS));
    apic_send_nmi(1);
    CHECK(smp_test_wait_ge(&nmis[1], 1, SMP_TEST_SPINS));
    smp_test_settle(100000);
    EXPECT_EQ(nmis[1], 1);
    EXPECT_EQ(nmis[0] + nmis[2] + nmis[3], 0);

    gprintf("check: a fixed IPI to CPU 1 (IF = 0) stays pending while an NMI gets through\n");
    apic_send_ipi(1, VEC_FIXED);
    apic_send_nmi(1);
    CHECK(smp_test_wait_ge(&nmis[1], 2, SMP_TEST_SPINS));
    smp_test_settle(100000);
    EXPECT_EQ(nmis[1], 2);
    EXPECT_EQ(fixed[1], 0);

    gprintf("check: an NMI wakes CPU 2 from HLT with IF = 0 and it goes on after the HLT\n");
    go[2] = GO_HLT_OFF;
    CHECK(smp_wait_eq32(&stage[2], GO_HLT_OFF, SMP_TEST_SPINS));
    smp_test_settle(100000);
    EXPECT_EQ(after_hlt[2], 0);
    apic_send_nmi(2);
    CHECK(smp_test_wait_ge(&after_hlt[2], 1, SMP_TEST_SPINS));
    EXPECT_EQ(nmis[2], 1);
    EXPECT_EQ(after_hlt[2], 1);

    gprintf("check: KVM_HC_SEND_IPI with ICR delivery mode NMI: count 1, NMI on CPU 3\n");
    go[3] = GO_SPIN_OFF;
    CHECK(smp_wait_eq32(&stage[3], GO_SPIN_OFF, SMP_TEST_SPINS));
    EXPECT_EQ(kvm_send_ipi_raw(1ull << 3, 0, 0, APIC_DM_NMI), 1);
    CHECK(smp_test_wait_ge(&nmis[3], 1, SMP_TEST_SPINS));
    EXPECT_EQ(nmis[3], 1);
    uint64_t mask = (1ull << 2) | (1ull << 3);
    gprintf("check: kvm_send_ipi_mask(CPUs 2, 3, NMI) returns 2 and both get one\n");
    go[2] = GO_SPIN_OFF;
    CHECK(smp_wait_eq32(&stage[2], GO_SPIN_OFF, SMP_TEST_SPINS));
    EXPECT_EQ(kvm_send_ipi_mask(&mask, 64, SMP_NMI_VECTOR), 2);
    CHECK(smp_test_wait_ge(&nmis[3], 2, SMP_TEST_SPINS));
    CHECK(smp_test_wait_ge(&nmis[2], 2, SMP_TEST_SPINS));
    smp_test_settle(100000);
    EXPECT_EQ(nmis[2], 2);
    EXPECT_EQ(nmis[3], 2);

    gprintf("check: an NMI to oneself (self shorthand) is taken with IF = 0\n");
    x86_cli();
    apic_send_icr(0, icr_nmi_self());
    kvm_hypercall_native(KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, 0);
    smp_test_settle(1000);
    EXPECT_EQ(nmis[0], 1);

    gprintf("check: a software-disabled APIC (CPU 3) takes NMIs but no fixed IPIs; SEND_IPI "
            "counts only the NMI\n");
    go[3] = GO_DISABLE_APIC;
    CHECK(smp_test_wait_ge(&stage[3], GO_SPIN_OFF, SMP_TEST_SPINS));
    smp_test_settle(100000);
    EXPECT_EQ(kvm_send_ipi_raw(1ull << 3, 0, 0, APIC_DM_FIXED | VEC_FIXED), 0);
    EXPECT_EQ(kvm_send_ipi_raw(1ull << 3, 0, 0, APIC_DM_NMI), 1);
    CHECK(smp_test_wait_ge(&nmis[3], 3, SMP_TEST_SPINS));
    smp_test_settle(100000);
    EXPECT_EQ(nmis[3], 3);
    EXPECT_EQ(fixed[3], 0);

    EXPECT_EQ(nmi_wrong_vec, 0);
    EXPECT_EQ(nmi_if_on, 0);
    for (unsigned c = 1; c < 4; c++)
        go[c] = GO_EXIT;
    test_done();
}
