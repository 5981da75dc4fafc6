/* Guest test: in long mode the CPU aligns RSP to 16 bytes before pushing an interrupt frame. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/x86.h"

#include "fault_case.h"

/* At a function's entry RSP is 8 mod 16 (the SysV ABI), so these INTs run on a misaligned stack;
 * RSI records RSP at the INT. */
FAULT_CASE(k_int_misaligned, "movq %rsp, %rsi", "int $0x41")
FAULT_CASE(k_int_ist, "movq %rsp, %rsi", "int $0x42")
USER_FAULT_CASE(u_int_user, "movq %rsp, %rsi", "int $0x40")

/* The same with an aligned RSP: push 8 bytes first, pop them afterwards. */
__asm__(".pushsection .text\n"
        "k_int_aligned_fn:\n"
        "    pushq %rax\n"
        "    movq %rsp, %rsi\n"
        "    int $0x41\n"
        "    popq %rax\n"
        "    ret\n"
        ".popsection\n");
uint64_t k_int_aligned_fn(uint64_t);

static uint64_t frame_top(void)
{
    return trap_last.frame_addr + sizeof(struct trap_frame);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_exc_stack_align");
    x86_init(bi, true);
    x86_idt_set_gate(0x40, X86_GATE_INTERRUPT, 3, 0);
    x86_idt_set_gate(0x42, X86_GATE_INTERRUPT, 0, 1);
    trap_register(0x40, trap_record_handler);
    trap_register(0x41, trap_record_handler);
    trap_register(0x42, trap_record_handler);

    gprintf("check: same privilege, RSP 8 mod 16: frame pushed below RSP rounded down to 16\n");
    run_case(k_int_misaligned_fn, NULL, 0);
    EXPECT_EQ(trap_count[0x41], 1);
    EXPECT_EQ(trap_last.frame.rsi & 15, 8);
    EXPECT_EQ(frame_top(), trap_last.frame.rsi & ~15ul);
    EXPECT_EQ(trap_last.frame.rsp, trap_last.frame.rsi);

    gprintf("check: same privilege, RSP aligned: frame pushed right below RSP\n");
    run_case(k_int_aligned_fn, NULL, 0);
    EXPECT_EQ(trap_count[0x41], 1);
    EXPECT_EQ(trap_last.frame.rsi & 15, 0);
    EXPECT_EQ(frame_top(), trap_last.frame.rsi);
    EXPECT_EQ(trap_last.frame.rsp, trap_last.frame.rsi);

    uint64_t rsp0 = x86_tss.rsp[0], ist1 = x86_tss.ist[1];
    gprintf("check: CPL 3 -> 0 with TSS.RSP0 = 8 mod 16: frame top is RSP0 rounded down\n");
    x86_tss.rsp[0] = rsp0 - 8;
    run_user_case(u_int_user_fn, NULL, 0);
    EXPECT_EQ(trap_count[0x40], 1);
    EXPECT_EQ(frame_top(), rsp0 - 16);
    EXPECT_EQ(trap_last.frame.rsp, trap_last.frame.rsi);
    EXPECT_EQ(trap_last.frame.cs, X86_SEL_UCODE);
    x86_tss.rsp[0] = rsp0;

    gprintf("check: IST1 = 8 mod 16: frame top is IST1 rounded down\n");
    x86_tss.ist[1] = ist1 - 8;
    run_case(k_int_ist_fn, NULL, 0);
    EXPECT_EQ(trap_count[0x42], 1);
    EXPECT_EQ(frame_top(), ist1 - 16);
    EXPECT_EQ(trap_last.frame.rsp, trap_last.frame.rsi);
    x86_tss.ist[1] = ist1;
    test_done();
}
