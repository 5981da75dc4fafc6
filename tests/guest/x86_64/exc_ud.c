/* Guest test: #UD from invalid opcodes reaches the guest's IDT with RIP at the instruction. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/x86.h"

#include "fault_case.h"

FAULT_CASE(ud_ud2, "", "ud2")                         /* 0F 0B */
FAULT_CASE(ud_ud0, "", ".byte 0x0f, 0xff, 0xc0")      /* ud0 %eax, %eax */
FAULT_CASE(ud_ud1, "", ".byte 0x0f, 0xb9, 0xc0")      /* ud1 %eax, %eax */
FAULT_CASE(ud_lock_nop, "", ".byte 0xf0, 0x90")       /* lock nop */
FAULT_CASE(ud_vmlaunch, "", ".byte 0x0f, 0x01, 0xc2") /* vmlaunch (no VMX in the guest) */
FAULT_CASE(ud_vmresume, "", ".byte 0x0f, 0x01, 0xc3") /* vmresume */
FAULT_CASE(ud_vmrun, "", ".byte 0x0f, 0x01, 0xd8")    /* vmrun (EFER.SVME clear) */
FAULT_CASE(ud_vmload, "", ".byte 0x0f, 0x01, 0xda")   /* vmload */
FAULT_CASE(ud_rflags, "pushq $0x8d7; popfq", "ud2")   /* CF PF AF ZF SF OF set */
USER_FAULT_CASE(user_ud2, "movq %rsp, %rax", "ud2")   /* 0F 0B at CPL 3 */

static void check_ud(const char *what, uint64_t (*fn)(uint64_t), char *insn, char *resume)
{
    gprintf("check: %s at 0x%lx raises #UD with RIP at the instruction\n", what,
            (unsigned long)(uintptr_t)insn);
    uint64_t rsp_before;
    uint64_t rbx = 0x0123456789ABCDEFul;
    trap_record_reset();
    trap_resume_rip = (uintptr_t)resume;
    __asm__ volatile("movq %%rsp, %[rsp]\n\t"
                     "call *%[fn]"
                     : [rsp] "=&r"(rsp_before), "+b"(rbx)
                     : [fn] "r"(fn)
                     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
    EXPECT_EQ(trap_count[X86_VEC_UD], 1);
    EXPECT_EQ(trap_total(), 1);
    EXPECT_EQ(trap_last.frame.vector, X86_VEC_UD);
    EXPECT_EQ(trap_last.frame.error_code, 0);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)insn);
    EXPECT_EQ(trap_last.frame.cs, X86_SEL_KCODE);
    EXPECT_EQ(trap_last.frame.rsp, rsp_before - 8); /* the call pushed a return address */
    EXPECT_EQ(trap_last.frame.rbx, 0x0123456789ABCDEFul);
    EXPECT_EQ(rbx, 0x0123456789ABCDEFul);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_exc_ud");
    x86_init(bi, true);
    trap_register(X86_VEC_UD, trap_record_handler);

    check_ud("ud2", ud_ud2_fn, ud_ud2, ud_ud2_resume);
    check_ud("ud0", ud_ud0_fn, ud_ud0, ud_ud0_resume);
    check_ud("ud1", ud_ud1_fn, ud_ud1, ud_ud1_resume);
    check_ud("lock nop", ud_lock_nop_fn, ud_lock_nop, ud_lock_nop_resume);
    check_ud("vmlaunch (0F 01 C2)", ud_vmlaunch_fn, ud_vmlaunch, ud_vmlaunch_resume);
    check_ud("vmresume (0F 01 C3)", ud_vmresume_fn, ud_vmresume, ud_vmresume_resume);
    check_ud("vmrun (0F 01 D8)", ud_vmrun_fn, ud_vmrun, ud_vmrun_resume);
    check_ud("vmload (0F 01 DA)", ud_vmload_fn, ud_vmload, ud_vmload_resume);

    gprintf("check: the RFLAGS saved in the frame are the ones at the fault\n");
    run_case(ud_rflags_fn, ud_rflags_resume, 0);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)ud_rflags);
    EXPECT_EQ(trap_last.frame.rflags, 0x8d7);
    __asm__ volatile("pushq $2\n\tpopfq" ::: "cc", "memory");

    gprintf("check: ud2 at CPL 3 reaches the (DPL 0) #UD gate: CS and SS are the user ones\n");
    uint64_t user_rsp = run_user_case(user_ud2_fn, user_ud2_resume, 0);
    EXPECT_EQ(trap_count[X86_VEC_UD], 1);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)user_ud2);
    EXPECT_EQ(trap_last.frame.cs, X86_SEL_UCODE);
    EXPECT_EQ(trap_last.frame.ss, X86_SEL_UDATA);
    EXPECT_EQ(trap_last.frame.rsp, user_rsp);
    test_done();
}
