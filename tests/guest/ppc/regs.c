/* Guest test: what a hypercall changes: r3 (status), r4 (always written), nothing in r5..r31 for
 * calls with one output; r0 is the stub's own (the PR-style magic). */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

#ifndef EXPECT_HV_STYLE
#define EXPECT_HV_STYLE 0
#endif

void regs_probe(unsigned long token, unsigned long out[32]);

static void check_untouched(const unsigned long *r, unsigned long token)
{
    for (int n = 5; n <= 31; n++) {
        if (n == 11)
            EXPECT_EQ(r[11], token); /* r11 is an output register, but no call here writes it */
        else
            EXPECT_EQ(r[n], 0x100UL + (unsigned long)n);
    }
    EXPECT_EQ(r[0], EXPECT_HV_STYLE ? 0x100UL : KVM_SC_MAGIC_R0);
}

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start(PPC64 ? "ppc64_regs" : "ppc_regs");
    unsigned long r[32];

    gprintf("check: KVM_HC_FEATURES writes r3 and r4 only\n");
    regs_probe(KVM_HCALL_TOKEN(KVM_HC_FEATURES), r);
    EXPECT_EQ(r[3], 0);
    EXPECT_EQ(r[4], 2);
    check_untouched(r, KVM_HCALL_TOKEN(KVM_HC_FEATURES));

    gprintf("check: an unknown token writes r3 = 12 and r4 = 0, nothing else\n");
    regs_probe(0x2A0077, r);
    EXPECT_EQ(r[3], EV_UNIMPLEMENTED);
    EXPECT_EQ(r[4], 0);
    check_untouched(r, 0x2A0077);

    gprintf("check: EV_BYTE_CHANNEL_POLL with a bad handle (r3 = 0): r3 = EV_EINVAL\n");
    regs_probe(EV_HCALL_TOKEN(EV_BYTE_CHANNEL_POLL), r);
    EXPECT_EQ(r[3], EV_EINVAL);
    EXPECT_EQ(r[4], 0);
    test_done();
}
