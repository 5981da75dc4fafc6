/* Guest test: sc 1. HV style (--hcall-style hv): from supervisor state a hypercall without any r0
 * magic, from problem state a privileged-instruction program interrupt at the sc 1. PR style: sc 1
 * is an sc like any other (LEV is ignored on these CPUs): the guest's system call. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

#ifndef EXPECT_HV_STYLE
#define EXPECT_HV_STYLE 0
#endif

static volatile unsigned prog_hits, sc_hits;
static struct ppc_regs last_prog, last_sc;
static unsigned long user_stack[2048] __attribute__((aligned(16)));

static void prog_handler(struct ppc_regs *r)
{
    last_prog = *r;
    prog_hits++;
    r->srr0 += 4; /* past the sc 1 */
    r->gpr[3] = 0x77;
}

static void sc_handler(struct ppc_regs *r)
{
    if ((r->srr1 & MSR_PR) && r->srr0 == (unsigned long)ppc_user_exit + 4) {
        ppc_user_sc_return(r);
        return;
    }
    last_sc = *r;
    sc_hits++;
    r->gpr[3] = 0x55;
}

/* sc 1 with r3 = a, r11 = token, r0 = 0; returns r3, *r4 gets r4. */
static unsigned long sc1(unsigned long a, unsigned long token, unsigned long *r4out)
{
    register unsigned long r0 __asm__("r0") = 0;
    register unsigned long r3 __asm__("r3") = a;
    register unsigned long r4 __asm__("r4") = 0xBAD;
    register unsigned long r11 __asm__("r11") = token;
    __asm__ volatile("sc 1"
                     : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r11)::"r5", "r6", "r7", "r8", "r9", "r10",
                       "r12", "ctr", "cr0", "memory");
    *r4out = r4;
    return r3;
}

static long user_fn(long arg)
{
    unsigned long r4;
    return (long)sc1((unsigned long)arg, KVM_HCALL_TOKEN(KVM_HC_FEATURES), &r4) + 1;
}

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start(EXPECT_HV_STYLE ? (PPC64 ? "ppc64_hv_style" : "ppc_hv_style")
                               : (PPC64 ? "ppc64_sc1_pr_style" : "ppc_sc1_pr_style"));
    ppc_trap_set(0x700, prog_handler);
    ppc_trap_set(0xC00, sc_handler);
    unsigned long r4 = 0;

    gprintf("check: sc 1 from supervisor state\n");
    unsigned long r3 = sc1(0, KVM_HCALL_TOKEN(KVM_HC_FEATURES), &r4);
    if (EXPECT_HV_STYLE) {
        EXPECT_EQ(r3, 0); /* a hypercall, no r0 magic needed */
        EXPECT_EQ(r4, 2);
        EXPECT_EQ(sc_hits, 0);
    } else {
        EXPECT_EQ(r3, 0x55); /* the guest's system call */
        EXPECT_EQ(sc_hits, 1);
        EXPECT_EQ(last_sc.gpr[4], 0xBAD);
    }
    EXPECT_EQ(prog_hits, 0);
    EXPECT_EQ(epapr_hypercall_start[0], EXPECT_HV_STYLE ? 0x44000022u : 0x3C004B56u);
    EXPECT_EQ(kvm_arch_para_features(), 2); /* the patched stub works in either style */

    gprintf("check: sc 1 from problem state\n");
#if PPC64
    EXPECT_EQ(ppc64_mmu_identity(16 << 20), 0);
#endif
    unsigned s0 = sc_hits;
    long v = ppc_enter_user(user_fn, 9, &user_stack[2048], PPC64);
    if (EXPECT_HV_STYLE) {
        EXPECT_EQ(prog_hits, 1);
        EXPECT_EQ(v, 0x77 + 1);
        EXPECT_EQ(last_prog.vector, 0x700);
        CHECK(last_prog.srr1 & 0x40000); /* privileged instruction */
        CHECK(!(last_prog.srr1 & (0x80000 | 0x20000 | 0x100000)));
        CHECK(last_prog.srr1 & MSR_PR);
        EXPECT_EQ(*(const uint32_t *)last_prog.srr0, 0x44000022u); /* SRR0: the sc 1 itself */
        EXPECT_EQ(last_prog.gpr[3], 9);
        EXPECT_EQ(sc_hits, s0);
    } else {
        EXPECT_EQ(prog_hits, 0);
        EXPECT_EQ(sc_hits, s0 + 1);
        EXPECT_EQ(v, 0x55 + 1);
        CHECK(last_sc.srr1 & MSR_PR);
    }
    test_done();
}
