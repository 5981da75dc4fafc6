/* ppc64 guest test: with MSR[SF] = 0 (32-bit mode) softkvm truncates hypercall inputs to 32 bits,
 * as KVM does; with SF = 1 the same registers are taken whole. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

static unsigned long send(unsigned long handle, unsigned long count, unsigned long *sent)
{
    unsigned long in[8] = {handle, count, 0xFFFFFFFF3C73663EUL, 0xFFFFFFFF0A000000UL}, out[8];
    unsigned long r = epapr_hypercall(in, out, 0xFFFFFFFF00000000UL | EV_HCALL_TOKEN(1));
    *sent = out[0];
    return r;
}

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start("ppc64_sf32");
    unsigned long sent = 0, hi_handle = 0xFFFFFFFF00000001UL, hi_count = 0x1234567800000005UL;

    gprintf("check: SF = 1: a handle or count with upper bits set is not the console's\n");
    EXPECT_EQ(send(hi_handle, 5, &sent), EV_EINVAL);
    EXPECT_EQ(send(1, hi_count, &sent), EV_EINVAL);

    gprintf("check: SF = 0: the same registers are truncated to 32 bits\n");
    mtmsr(mfmsr() & ~MSR_SF);
    unsigned long msr32 = mfmsr();
    unsigned long r1 = send(hi_handle, hi_count, &sent), sent1 = sent;
    unsigned long r2 =
        epapr_hypercall((unsigned long[8]){0}, (unsigned long[8]){0}, 0xFFFFFFFF002A0077UL);
    mtmsr(mfmsr() | MSR_SF);
    CHECK(!(msr32 & MSR_SF));
    EXPECT_EQ(r1, EV_SUCCESS);
    EXPECT_EQ(sent1, 5);
    EXPECT_EQ(r2, EV_UNIMPLEMENTED);
    CHECK(mfmsr() & MSR_SF);
    test_done();
}
