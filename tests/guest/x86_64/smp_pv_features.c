/* Guest test: the PV kick / IPI / yield hypercalls against the advertised CPUID features, with and
 * without --enforce-pv-cpuid (KVM_CAP_ENFORCE_PV_FEATURE_CPUID): a hidden feature's hypercall
 * answers -KVM_ENOSYS only when enforced. Build with EXPECT_FEATURES (CPUID 0x40000001 EAX) and
 * ENFORCE (0 or 1); run with --smp 2 and the matching options. The PV spinlock follows
 * PV_UNHALT. */
#include "smp_test.h"
#include "guest/x86_64/spinlock.h"

#if !defined(EXPECT_FEATURES) || !defined(ENFORCE)
#error "build with EXPECT_FEATURES=<mask> ENFORCE=<0|1>"
#endif

#define VEC_IPI 0x90
#define PV_ALL                                                                                     \
    ((1u << KVM_FEATURE_PV_UNHALT) | (1u << KVM_FEATURE_PV_SEND_IPI) |                             \
     (1u << KVM_FEATURE_PV_SCHED_YIELD))

static volatile uint32_t got;
static struct spinlock lock = SPINLOCK_INIT;
static volatile uint64_t counter;
static volatile uint32_t ap_go, ap_done;

/* One locked increment with some work inside, so that a holder is sometimes preempted. */
static void locked_increment(void)
{
    spin_lock(&lock);
    counter++;
    for (volatile unsigned w = 0; w < 200; w++)
        ;
    spin_unlock(&lock);
}

static void ipi_handler(struct trap_frame *f)
{
    (void)f;
    got++;
    apic_eoi();
}

/* Works when the feature is advertised or not enforced; else -KVM_ENOSYS. */
static long want(unsigned feature, long works)
{
    bool advertised = (EXPECT_FEATURES >> feature) & 1;
    return advertised || !ENFORCE ? works : -KVM_ENOSYS;
}

void ap_main(unsigned cpu)
{
    if (cpu != 1)
        return;
    x86_sti(); /* takes the test's IPI while it waits */
    smp_wait_eq32(&ap_go, 1, 4ull * SMP_TEST_SPINS);
    x86_cli();
    for (unsigned i = 0; i < 300; i++)
        locked_increment();
    ap_done = 1;
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_smp_pv_features");
    smp_test_boot(bi, 2);
    trap_register(VEC_IPI, ipi_handler);

    unsigned features = kvm_arch_para_features();
    gprintf("CPUID 0x40000001 EAX 0x%x, enforce %d\n", features, ENFORCE);
    gprintf("check: the advertised PV features are 0x%x\n", EXPECT_FEATURES);
    EXPECT_EQ(features & PV_ALL, EXPECT_FEATURES);

    gprintf("check: KVM_HC_SEND_IPI to CPU 1 -> %ld\n", want(KVM_FEATURE_PV_SEND_IPI, 1));
    long r = kvm_send_ipi_raw(1ull << 1, 0, 0, APIC_DM_FIXED | VEC_IPI);
    EXPECT_EQ(r, want(KVM_FEATURE_PV_SEND_IPI, 1));
    if (r == 1) {
        /* CPU 1 idles with interrupts on: it takes the IPI */
        CHECK(smp_test_wait_ge(&got, 1, SMP_TEST_SPINS));
    } else {
        smp_test_settle(50000);
        EXPECT_EQ(got, 0);
    }
    gprintf("check: KVM_HC_KICK_CPU -> %ld\n", want(KVM_FEATURE_PV_UNHALT, 0));
    EXPECT_EQ(kvm_kick_cpu(1), want(KVM_FEATURE_PV_UNHALT, 0));
    gprintf("check: KVM_HC_SCHED_YIELD -> %ld\n", want(KVM_FEATURE_PV_SCHED_YIELD, 0));
    EXPECT_EQ(kvm_sched_yield(1), want(KVM_FEATURE_PV_SCHED_YIELD, 0));
    gprintf("check: KVM_HC_VAPIC_POLL_IRQ has no feature bit: 0\n");
    EXPECT_EQ(kvm_hypercall_native(KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, 0), 0);

    bool pv = spinlock_pv_init(true);
    bool want_pv = (EXPECT_FEATURES >> KVM_FEATURE_PV_UNHALT) & 1;
    gprintf("check: the spinlock's PV slow path is %s (PV_UNHALT %s)\n", want_pv ? "on" : "off",
            want_pv ? "advertised" : "hidden");
    EXPECT_EQ(pv, want_pv);
    ap_go = 1;
    x86_cli();
    for (unsigned i = 0; i < 300; i++)
        locked_increment();
    CHECK(smp_wait_eq32(&ap_done, 1, 4ull * SMP_TEST_SPINS));
    EXPECT_EQ(counter, 600);
    if (want_pv)
        CHECK(lock.slow > 0 && lock.kicks > 0);
    else
        EXPECT_EQ(lock.slow + lock.kicks, 0);
    gprintf("lock: %u halts, %u kicks\n", lock.slow, lock.kicks);
    test_done();
}
