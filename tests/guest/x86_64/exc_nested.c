/* Guest test: IDT limit and not-present gates (#GP/#NP with IDT error codes) and double faults. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/x86.h"

#include "fault_case.h"

FAULT_CASE(k_int41, "", "int $0x41")
FAULT_CASE(k_ud2, "", "ud2")
FAULT_CASE(k_bad_ds, "movl $0x48, %eax", "movl %eax, %ds")
FAULT_CASE(k_null_read, "xorl %eax, %eax", "movq (%rax), %rax")

#define UNMAPPED_STACK 0x200000000000ul /* nothing is mapped there */

static void reset_idt(void)
{
    x86_idt_init();
    for (unsigned v = 0; v < 32; v++)
        trap_register(v, trap_record_handler);
    trap_register(0x41, trap_record_handler);
}

static void expect_only(unsigned vector, uint64_t err)
{
    EXPECT_EQ(trap_count[vector], 1);
    EXPECT_EQ(trap_total(), 1);
    EXPECT_EQ(trap_last.frame.vector, vector);
    EXPECT_EQ(trap_last.frame.error_code, err);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_exc_nested");
    x86_init(bi, true);
    reset_idt();

    gprintf("check: INT 0x41 beyond the IDT limit: #GP(0x41*8+2), RIP at the INT\n");
    x86_lidt(x86_idt_table, 32 * 16 - 1);
    run_case(k_int41_fn, k_int41_resume, 0);
    expect_only(X86_VEC_GP, 0x41 * 8 + 2);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)k_int41);
    reset_idt();

    gprintf("check: INT 0x41 through a not-present gate: #NP(0x41*8+2)\n");
    x86_idt_set_present(0x41, false);
    run_case(k_int41_fn, k_int41_resume, 0);
    expect_only(X86_VEC_NP, 0x41 * 8 + 2);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)k_int41);
    reset_idt();

    /* EXT (bit 0) is set: the #NP happened while delivering an event external to the program
     * (an earlier exception). A software INT n gets EXT = 0, as above. */
    gprintf("check: #UD through a not-present gate: #NP(6*8+2+EXT) (benign, then contributory: "
            "no #DF), RIP at the ud2\n");
    x86_idt_set_present(X86_VEC_UD, false);
    run_case(k_ud2_fn, k_ud2_resume, 0);
    expect_only(X86_VEC_NP, X86_VEC_UD * 8 + 2 + 1);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)k_ud2);
    reset_idt();

    gprintf("check: #GP through a not-present gate: #NP while delivering #GP is a #DF(0), "
            "delivered on IST2\n");
    x86_idt_set_gate(X86_VEC_DF, X86_GATE_INTERRUPT, 0, 2);
    x86_idt_set_present(X86_VEC_GP, false);
    run_case(k_bad_ds_fn, k_bad_ds_resume, 0);
    expect_only(X86_VEC_DF, 0);
    EXPECT_EQ(trap_last.frame_addr + sizeof(struct trap_frame), x86_tss.ist[2]);
    EXPECT_EQ(trap_last.frame.cs, X86_SEL_KCODE);
    reset_idt();

    gprintf("check: #UD with the #UD and #NP gates not present: #DF(0)\n");
    x86_idt_set_present(X86_VEC_UD, false);
    x86_idt_set_present(X86_VEC_NP, false);
    run_case(k_ud2_fn, k_ud2_resume, 0);
    expect_only(X86_VEC_DF, 0);
    reset_idt();

    gprintf("check: #PF whose delivery stack (IST3) is unmapped: #DF(0)\n");
    x86_idt_set_gate(X86_VEC_PF, X86_GATE_INTERRUPT, 0, 3);
    x86_idt_set_gate(X86_VEC_DF, X86_GATE_INTERRUPT, 0, 2);
    uint64_t ist3 = x86_tss.ist[3];
    x86_tss.ist[3] = UNMAPPED_STACK;
    run_case(k_null_read_fn, k_null_read_resume, 0);
    x86_tss.ist[3] = ist3;
    expect_only(X86_VEC_DF, 0);
    reset_idt();

    gprintf("check: after all that, a plain #UD is delivered normally\n");
    run_case(k_ud2_fn, k_ud2_resume, 0);
    expect_only(X86_VEC_UD, 0);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)k_ud2);
    test_done();
}
