/* Guest test: program interrupts with their SRR1 reason (illegal, privileged, trap), SRR0 at the
 * instruction, and the floating-point-unavailable interrupt. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

void prog_illegal(void);
void prog_trap(void);
void prog_mfmsr(void);
void prog_fadd(void);
void prog_bad_spr(void);

static unsigned long user_stack[2048] __attribute__((aligned(16)));

static void skip(struct ppc_regs *r)
{
    ppc_trap_record(r);
    if (r->vector == 0x800)
        r->srr0 += 4;
}

static long user_mfmsr(long arg)
{
    prog_mfmsr();
    return arg;
}

static long user_bad_spr(long arg)
{
    prog_bad_spr();
    return arg;
}

static void expect_program(void (*fn)(void), unsigned long reason, const char *what)
{
    unsigned before = ppc_trap_count[7];
    gprintf("check: %s -> program interrupt, SRR1 reason 0x%lx\n", what, reason);
    fn();
    EXPECT_EQ(ppc_trap_count[7], before + 1);
    EXPECT_EQ(ppc_trap_last.srr0, ppc_code_addr((const void *)fn));
    EXPECT_EQ(ppc_trap_last.srr1 & 0x1F0000UL, reason);
}

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start(PPC64 ? "ppc64_program" : "ppc_program");
    ppc_trap_set(0x700, skip);
    ppc_trap_set(0x800, skip);
    ppc_trap_set(0xC00, ppc_user_sc_return);
    unsigned long msr = mfmsr();

    expect_program(prog_illegal, 0x80000, "an illegal instruction");
    EXPECT_EQ(ppc_trap_last.srr1 & ~0x783F0000UL, msr & ~0x783F0000UL);
    expect_program(prog_trap, 0x20000, "tw 31,0,0");

    gprintf("check: mfmsr in problem state -> privileged-instruction program interrupt\n");
#if PPC64
    EXPECT_EQ(ppc64_mmu_identity(16 << 20), 0);
#endif
    unsigned before = ppc_trap_count[7];
    EXPECT_EQ(ppc_enter_user(user_mfmsr, 6, &user_stack[2048], PPC64), 6);
    EXPECT_EQ(ppc_trap_count[7], before + 1);
    EXPECT_EQ(ppc_trap_last.srr0, ppc_code_addr((const void *)prog_mfmsr));
    EXPECT_EQ(ppc_trap_last.srr1 & 0x1F0000UL, 0x40000);
    CHECK(ppc_trap_last.srr1 & MSR_PR);

    gprintf("check: mfspr of an SPR the CPU lacks, in problem state -> illegal instruction\n");
    EXPECT_EQ(ppc_enter_user(user_bad_spr, 7, &user_stack[2048], PPC64), 7);
    EXPECT_EQ(ppc_trap_count[7], before + 2);
    EXPECT_EQ(ppc_trap_last.srr0, ppc_code_addr((const void *)prog_bad_spr));
    EXPECT_EQ(ppc_trap_last.srr1 & 0x1F0000UL, 0x80000);

    gprintf("check: fadd with MSR[FP] = 0 -> floating-point unavailable (0x800)\n");
    before = ppc_trap_count[8];
    prog_fadd();
    EXPECT_EQ(ppc_trap_count[8], before + 1);
    EXPECT_EQ(ppc_trap_last.vector, 0x800);
    EXPECT_EQ(ppc_trap_last.srr0, ppc_code_addr((const void *)prog_fadd));
    test_done();
}
