/* Guest test: an sc that is not a hypercall reaches the guest's own 0xC00 handler with SRR0/SRR1
 * and the MSR as the CPU sets them: without the r0 magic from supervisor state, and from problem
 * state even with the magic. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

#ifndef EXPECT_HV_STYLE
#define EXPECT_HV_STYLE 0
#endif

static volatile unsigned hits;
static struct ppc_regs last;
static unsigned long handler_msr;
static unsigned long user_stack[2048] __attribute__((aligned(16)));

static void sc_handler(struct ppc_regs *r)
{
    if ((r->srr1 & MSR_PR) && r->srr0 == (unsigned long)ppc_user_exit + 4) {
        ppc_user_sc_return(r); /* the problem-state function returned */
        return;
    }
    last = *r;
    handler_msr = mfmsr();
    hits++;
    r->gpr[3] = 0x5C5C; /* what the "system call" returns */
}

/* sc with r0 = r0v, r3 = 1, r11 = token; returns r3; *after gets the address after the sc. */
static unsigned long do_sc(unsigned long r0v, unsigned long token, unsigned long *after)
{
    register unsigned long r0 __asm__("r0") = r0v;
    register unsigned long r3 __asm__("r3") = 1;
    register unsigned long r11 __asm__("r11") = token;
    unsigned long a;
    __asm__ volatile("bl 1f\n1: mflr %0\n sc\n"
                     : "=&r"(a), "+r"(r0), "+r"(r3), "+r"(r11)
                     :
                     : "lr", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r12", "ctr", "cr0",
                       "memory");
    *after = a + 8; /* a is the mflr; the sc follows it */
    return r3;
}

/* Problem state: the KVM magic and a valid token do not make a hypercall. */
static long user_fn(long arg)
{
    register unsigned long r0 __asm__("r0") = KVM_SC_MAGIC_R0;
    register unsigned long r3 __asm__("r3") = (unsigned long)arg;
    register unsigned long r11 __asm__("r11") = KVM_HCALL_TOKEN(KVM_HC_FEATURES);
    __asm__ volatile("sc"
                     : "+r"(r0), "+r"(r3), "+r"(r11)::"r4", "r5", "r6", "r7", "r8", "r9", "r10",
                       "r12", "ctr", "cr0", "memory");
    return (long)r3 + 1;
}

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start(PPC64 ? "ppc64_syscall" : "ppc_syscall");
    ppc_trap_set(0xC00, sc_handler);
    unsigned long msr = mfmsr(), after = 0;

    gprintf("check: sc without the magic in r0 from supervisor state goes to 0xC00\n");
    EXPECT_EQ(do_sc(0x77, KVM_HCALL_TOKEN(KVM_HC_FEATURES), &after), 0x5C5C);
    EXPECT_EQ(hits, 1);
    EXPECT_EQ(last.vector, 0xC00);
    EXPECT_EQ(last.srr0, after); /* the instruction after the sc */
    EXPECT_EQ(last.srr1, msr & ~0x783F0000UL);
    EXPECT_EQ(last.gpr[0], 0x77);
    EXPECT_EQ(last.gpr[3], 1);
    gprintf("handler MSR 0x%lx (caller 0x%lx)\n", handler_msr, msr);
    EXPECT_EQ(handler_msr, (msr & (MSR_ME | MSR_HV)) | MSR_SF);

    gprintf("check: the magic in r0 from supervisor state is a hypercall (PR style), no 0xC00\n");
    unsigned long r = do_sc(KVM_SC_MAGIC_R0, KVM_HCALL_TOKEN(KVM_HC_FEATURES), &after);
    if (EXPECT_HV_STYLE) {
        EXPECT_EQ(r, 0x5C5C); /* HV style: plain sc is always the guest's */
        EXPECT_EQ(hits, 2);
    } else {
        EXPECT_EQ(r, 0);
        EXPECT_EQ(hits, 1);
    }
    unsigned h0 = hits;

    gprintf("check: sc from problem state (with the magic) goes to 0xC00 with SRR1[PR]\n");
#if PPC64
    EXPECT_EQ(ppc64_mmu_identity(16 << 20), 0); /* Book3S-64 problem state runs translated */
#endif
    long v = ppc_enter_user(user_fn, 41, &user_stack[2048], PPC64);
    EXPECT_EQ(hits, h0 + 1);
    EXPECT_EQ(v, 0x5C5C + 1); /* the handler's r3, not a hypercall result */
    CHECK(last.srr1 & MSR_PR);
    EXPECT_EQ(last.gpr[3], 41); /* softkvm wrote nothing */
    EXPECT_EQ(last.gpr[0], KVM_SC_MAGIC_R0);
    CHECK(!(mfmsr() & MSR_PR));
    test_done();
}
