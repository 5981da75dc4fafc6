/* Guest test: KVM_HC_FEATURES, unknown tokens (EV_UNIMPLEMENTED with r4 = 0), the unpatched stub,
 * and the token being the low 32 bits of r11 only. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

/* r3 and r4 of a call through the patched stub with r4 preset to garbage. */
static unsigned long call2(unsigned long token, unsigned long *r4)
{
    unsigned long in[8] = {0, 0xBADBAD, 0, 0, 0, 0, 0, 0}, out[8];
    unsigned long r3 = epapr_hypercall(in, out, token);
    *r4 = out[0];
    return r3;
}

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start(PPC64 ? "ppc64_hypercall" : "ppc_hypercall");
    CHECK(epapr_paravirt_enabled);

    gprintf("check: an unpatched stub answers -1 by itself (li r3,-1)\n");
    unsigned long in[8] = {0}, out[8];
    EXPECT_EQ(epapr_hypercall_at(epapr_unpatched_start, KVM_HCALL_TOKEN(KVM_HC_FEATURES), in, out),
              -1UL);

    gprintf("check: KVM_HC_FEATURES (token 0x2A0003): r3 = 0, r4 = 1 << KVM_FEATURE_MAGIC_PAGE\n");
    EXPECT_EQ(KVM_HCALL_TOKEN(KVM_HC_FEATURES), 0x2A0003);
    unsigned long r4 = 0;
    EXPECT_EQ(kvm_hypercall0_1(KVM_HC_FEATURES, &r4), 0);
    EXPECT_EQ(r4, 1UL << KVM_FEATURE_MAGIC_PAGE);
    EXPECT_EQ(kvm_arch_para_features(), 2);
    EXPECT_EQ(call2(0x2A0003, &r4), 0);
    EXPECT_EQ(r4, 2);

    gprintf("check: unknown tokens answer EV_UNIMPLEMENTED (12) and r4 = 0\n");
    static const unsigned long unknown[] = {
        0,                   /* vendor 0, number 0 */
        0x2A0000,            /* KVM 0 */
        0x2A0001,            /* KVM_HC_VAPIC_POLL_IRQ is x86 */
        0x2A0005,            /* KVM_HC_KICK_CPU is x86 */
        0x2A00FF,            /* beyond the KVM table */
        0x2AFFFF,   0x10004, /* EV_INT_SET_CONFIG: not implemented */
        0x1000E,             /* EV_DOORBELL_SEND */
        0x10011,             /* beyond EV_IDLE */
        0x20001,             /* vendor 2 (Freescale) */
        0x770003,            /* vendor 0x77 */
        0xFFFF0003,          /* vendor 0xFFFF */
    };
    for (unsigned i = 0; i < ARRAY_SIZE(unknown); i++) {
        r4 = 1;
        EXPECT_EQ(call2(unknown[i], &r4), EV_UNIMPLEMENTED);
        EXPECT_EQ(r4, 0);
    }
    EXPECT_EQ(kvm_hypercall1(0x7F, 1), EV_UNIMPLEMENTED);
    EXPECT_EQ(kvm_hypercall4(5, 1, 2, 3, 4), EV_UNIMPLEMENTED);

#if PPC64
    gprintf("check: only the low 32 bits of r11 are the token\n");
    EXPECT_EQ(call2(0xFFFFFFFF002A0003UL, &r4), 0);
    EXPECT_EQ(r4, 2);
    EXPECT_EQ(call2(0x12345678002A0003UL, &r4), 0);
    EXPECT_EQ(call2(0x00000001FFFF0003UL, &r4), EV_UNIMPLEMENTED);
    EXPECT_EQ(r4, 0);
#endif
    test_done();
}
