/* Guest test: #DE (fault), #BP (trap, RIP after INT3), and INTO being #UD in 64-bit mode. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/x86.h"

#include "fault_case.h"

FAULT_CASE(de_div32, "xorl %ecx, %ecx; movl $1, %eax; xorl %edx, %edx", "divl %ecx")
FAULT_CASE(de_div64, "xorl %ecx, %ecx; movl $7, %eax; xorl %edx, %edx", "divq %rcx")
FAULT_CASE(de_idiv_overflow, "movl $0x80000000, %eax; cltd; movl $-1, %ecx", "idivl %ecx")
FAULT_CASE(de_div8, "movw $0x1234, %ax; movb $0x10, %cl", "divb %cl") /* quotient > 0xFF */
FAULT_CASE(ok_div, "movl $100, %eax; xorl %edx, %edx; movl $7, %ecx", "divl %ecx")
FAULT_CASE(bp_int3, "", "int3")              /* CC */
FAULT_CASE(bp_int_3, "", ".byte 0xcd, 0x03") /* int $3 (gas would emit int3) */
FAULT_CASE(ud_into, "", ".byte 0xce")        /* into: invalid in 64-bit mode */
USER_FAULT_CASE(u_de, "xorl %ecx, %ecx; movl $1, %eax; xorl %edx, %edx", "divl %ecx")

static void expect_one(unsigned vector, const char *rip_label, const char *what)
{
    gprintf("  %s: vector %lu at 0x%lx\n", what, trap_last.frame.vector, trap_last.frame.rip);
    EXPECT_EQ(trap_count[vector], 1);
    EXPECT_EQ(trap_total(), 1);
    EXPECT_EQ(trap_last.frame.vector, vector);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)rip_label);
    EXPECT_EQ(trap_last.frame.error_code, 0);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_exc_de_bp");
    x86_init(bi, true);
    trap_register(X86_VEC_DE, trap_record_handler);
    trap_register(X86_VEC_BP, trap_record_handler);
    trap_register(X86_VEC_UD, trap_record_handler);

    gprintf("check: division by zero and quotient overflow raise #DE with RIP at the DIV\n");
    run_case(de_div32_fn, de_div32_resume, 0);
    expect_one(X86_VEC_DE, de_div32, "divl by 0");
    EXPECT_EQ(trap_last.frame.rcx, 0);
    run_case(de_div64_fn, de_div64_resume, 0);
    expect_one(X86_VEC_DE, de_div64, "divq by 0");
    EXPECT_EQ(trap_last.frame.rax, 7); /* the faulting DIV changed nothing */
    run_case(de_idiv_overflow_fn, de_idiv_overflow_resume, 0);
    expect_one(X86_VEC_DE, de_idiv_overflow, "idivl INT_MIN / -1");
    run_case(de_div8_fn, de_div8_resume, 0);
    expect_one(X86_VEC_DE, de_div8, "divb overflow");

    gprintf("check: a valid division does not fault\n");
    EXPECT_EQ(run_case(ok_div_fn, NULL, 0), 14);
    EXPECT_EQ(trap_total(), 0);

    gprintf("check: INT3 and INT 3 raise #BP with the saved RIP after the instruction\n");
    run_case(bp_int3_fn, NULL, 0);
    expect_one(X86_VEC_BP, bp_int3_resume, "int3");
    EXPECT_EQ((uintptr_t)bp_int3_resume - (uintptr_t)bp_int3, 1);
    run_case(bp_int_3_fn, NULL, 0);
    expect_one(X86_VEC_BP, bp_int_3_resume, "int $3");
    EXPECT_EQ((uintptr_t)bp_int_3_resume - (uintptr_t)bp_int_3, 2);

    gprintf("check: INTO is an invalid opcode in 64-bit mode\n");
    run_case(ud_into_fn, ud_into_resume, 0);
    expect_one(X86_VEC_UD, ud_into, "into");

    gprintf("check: #DE at CPL 3\n");
    run_user_case(u_de_fn, u_de_resume, 0);
    expect_one(X86_VEC_DE, u_de, "divl by 0 at CPL 3");
    EXPECT_EQ(trap_last.frame.cs, X86_SEL_UCODE);
    test_done();
}
