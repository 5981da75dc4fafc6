/* Guest test: KVM detection, VAPIC_POLL_IRQ, unknown and unimplemented numbers in 64-bit mode. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/kvm_para.h"
#include "guest/x86_64/x86.h"

static bool vmmcall;

/* Hypercall with the native instruction and a full 64-bit RAX. */
static long hc(unsigned long rax, unsigned long p1, unsigned long p2, unsigned long p3,
               unsigned long p4)
{
    return kvm_hypercall_raw(rax, p1, p2, p3, p4, vmmcall);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_hypercall_basic");
    x86_init(bi, false);
    vmmcall = x86_native_vmmcall();
    gprintf("native hypercall instruction: %s\n", vmmcall ? "VMMCALL" : "VMCALL");

    gprintf("check: KVM signature found through CPUID\n");
    CHECK(kvm_para_available());
    EXPECT_EQ(kvm_cpuid_base(), KVM_CPUID_SIGNATURE);
    unsigned features = kvm_arch_para_features();
    gprintf("KVM features 0x%x\n", features);

    gprintf("check: KVM_HC_VAPIC_POLL_IRQ returns 0 (also with arguments, and repeatedly)\n");
    EXPECT_EQ(hc(KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, 0), 0);
    EXPECT_EQ(hc(KVM_HC_VAPIC_POLL_IRQ, ~0ul, 0x1234, 0x5678, 0x9abc), 0);
    unsigned bad = 0;
    for (int i = 0; i < 1000; i++)
        bad += hc(KVM_HC_VAPIC_POLL_IRQ, (unsigned long)i, 0, 0, 0) != 0;
    EXPECT_EQ(bad, 0);
    if (vmmcall)
        EXPECT_EQ(kvm_hypercall0_vmmcall(KVM_HC_VAPIC_POLL_IRQ), 0);
    else
        EXPECT_EQ(kvm_hypercall0(KVM_HC_VAPIC_POLL_IRQ), 0);

    gprintf("check: unknown numbers return -KVM_ENOSYS (-1000)\n");
    EXPECT_EQ(hc(0x7777, 0, 0, 0, 0), -KVM_ENOSYS);
    EXPECT_EQ(hc(0xFFFFFFFF12345678ul, 0, 0, 0, 0), -KVM_ENOSYS);
    EXPECT_EQ(hc(0, 0, 0, 0, 0), -KVM_ENOSYS);
    EXPECT_EQ(hc(13, 0, 0, 0, 0), -KVM_ENOSYS);
    EXPECT_EQ(hc(0xFFFFFFFFul, 0, 0, 0, 0), -KVM_ENOSYS);
    EXPECT_EQ(hc(~0ul, 0, 0, 0, 0), -KVM_ENOSYS);

    gprintf("check: 64-bit mode does not truncate RAX: 0x100000001 is not VAPIC_POLL_IRQ\n");
    EXPECT_EQ(hc(0x100000001ul, 0, 0, 0, 0), -KVM_ENOSYS);
    EXPECT_EQ(hc(0xFFFFFFFF00000001ul, 0, 0, 0, 0), -KVM_ENOSYS);

    gprintf("check: numbers KVM x86 does not implement return -KVM_ENOSYS\n");
    EXPECT_EQ(hc(KVM_HC_MMU_OP, 0, 0, 0, 0), -KVM_ENOSYS);
    EXPECT_EQ(hc(KVM_HC_FEATURES, 0, 0, 0, 0), -KVM_ENOSYS);
    EXPECT_EQ(hc(KVM_HC_PPC_MAP_MAGIC_PAGE, 0, 0, 0, 0), -KVM_ENOSYS);
    EXPECT_EQ(hc(KVM_HC_MIPS_GET_CLOCK_FREQ, 0, 0, 0, 0), -KVM_ENOSYS);
    EXPECT_EQ(hc(KVM_HC_MIPS_EXIT_VM, 0, 0, 0, 0), -KVM_ENOSYS);
    EXPECT_EQ(hc(KVM_HC_MIPS_CONSOLE_OUTPUT, 0, 0, 0, 0), -KVM_ENOSYS);

    gprintf("check: feature-gated calls answer -KVM_ENOSYS while their feature bit is clear\n");
    long r = hc(KVM_HC_KICK_CPU, 0, 0, 0, 0);
    gprintf("KVM_HC_KICK_CPU(0, 0) -> %ld\n", r);
    if (!(features & (1u << KVM_FEATURE_PV_UNHALT)))
        EXPECT_EQ(r, -KVM_ENOSYS);
    else
        EXPECT_EQ(r, 0);
    r = hc(KVM_HC_SEND_IPI, 0, 0, 0, 0);
    gprintf("KVM_HC_SEND_IPI(0, 0, 0, 0) -> %ld\n", r);
    if (!(features & (1u << KVM_FEATURE_PV_SEND_IPI)))
        EXPECT_EQ(r, -KVM_ENOSYS);
    r = hc(KVM_HC_SCHED_YIELD, 0, 0, 0, 0);
    gprintf("KVM_HC_SCHED_YIELD(0) -> %ld\n", r);
    if (!(features & (1u << KVM_FEATURE_PV_SCHED_YIELD)))
        EXPECT_EQ(r, -KVM_ENOSYS);
    else
        EXPECT_EQ(r, 0);
    r = hc(KVM_HC_MAP_GPA_RANGE, 0x200000, 1, 0, 0);
    gprintf("KVM_HC_MAP_GPA_RANGE(0x200000, 1, 0) -> %ld\n", r);
    if (!(features & (1u << KVM_FEATURE_HC_MAP_GPA_RANGE)))
        EXPECT_EQ(r, -KVM_ENOSYS);
    r = hc(KVM_HC_CLOCK_PAIRING, 0x200000, 1, 0, 0); /* clock type 1 is not WALLCLOCK */
    gprintf("KVM_HC_CLOCK_PAIRING(0x200000, type 1) -> %ld\n", r);
    CHECK(r == -KVM_ENOSYS || r == -KVM_EOPNOTSUPP);

    /* An exception on the way would have ended the run through the IDT's unhandled-trap path. */
    test_done();
}
