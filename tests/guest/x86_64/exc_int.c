/* Guest test: INT n and INT3 through DPL-0/DPL-3 gates from CPL 0 and 3, RSP0 and IST stacks. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/x86.h"

#include "fault_case.h"

#define VEC_USER 0x40 /* DPL 3 */
#define VEC_KERN 0x41 /* DPL 0 */
#define VEC_IST  0x42 /* DPL 3, IST 1 */

/* RSI = RSP just before the instruction, so the frame's saved RSP can be compared with it. */
FAULT_CASE(k_int_kern, "movq %rsp, %rsi", "int $0x41")
FAULT_CASE(k_int_ist, "movq %rsp, %rsi", "int $0x42")
USER_FAULT_CASE(u_int_user, "movq %rsp, %rsi", "int $0x40")
USER_FAULT_CASE(u_int_kern, "movq %rsp, %rsi", "int $0x41")
USER_FAULT_CASE(u_int_ist, "movq %rsp, %rsi", "int $0x42")
USER_FAULT_CASE(u_int3, "movq %rsp, %rsi", "int3")
USER_FAULT_CASE(u_int_3, "movq %rsp, %rsi", ".byte 0xcd, 0x03") /* int $3 */
USER_FAULT_CASE(u_ud2, "movq %rsp, %rsi", "ud2")

static uint64_t handler_cs;

static void gate_handler(struct trap_frame *f)
{
    trap_record_handler(f);
    handler_cs = x86_read_cs();
}

static bool within(uint64_t a, const void *lo, size_t size)
{
    return a >= (uintptr_t)lo && a < (uintptr_t)lo + size;
}

/* The frame's top (just above SS) for a frame the CPU pushed. */
static uint64_t frame_top(void)
{
    return trap_last.frame_addr + sizeof(struct trap_frame);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_exc_int");
    x86_init(bi, true);
    x86_idt_set_gate(VEC_USER, X86_GATE_INTERRUPT, 3, 0);
    x86_idt_set_gate(VEC_KERN, X86_GATE_INTERRUPT, 0, 0);
    x86_idt_set_gate(VEC_IST, X86_GATE_TRAP, 3, 1);
    trap_register(VEC_USER, gate_handler);
    trap_register(VEC_KERN, gate_handler);
    trap_register(VEC_IST, gate_handler);
    trap_register(X86_VEC_GP, gate_handler);
    trap_register(X86_VEC_BP, gate_handler);
    trap_register(X86_VEC_UD, gate_handler);
    const uint8_t *rsp0_lo = x86_rsp0_stack, *ist1_lo = x86_ist_stacks[0];
    uint64_t rsp0_top = x86_tss.rsp[0], ist1_top = x86_tss.ist[1];

    gprintf("check: INT 0x41 at CPL 0 (DPL-0 gate): same stack, saved RIP after the INT\n");
    run_case(k_int_kern_fn, NULL, 0);
    EXPECT_EQ(trap_count[VEC_KERN], 1);
    EXPECT_EQ(trap_total(), 1);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)k_int_kern_resume);
    EXPECT_EQ(trap_last.frame.cs, X86_SEL_KCODE);
    EXPECT_EQ(trap_last.frame.ss, X86_SEL_KDATA);
    EXPECT_EQ(trap_last.frame.rsp, trap_last.frame.rsi);
    EXPECT_EQ(trap_last.frame.error_code, 0); /* the stub's dummy */
    CHECK(trap_last.frame_addr < trap_last.frame.rsi &&
          trap_last.frame.rsi - trap_last.frame_addr < 512);

    gprintf("check: INT 0x42 at CPL 0 through an IST=1 gate runs on the IST1 stack\n");
    run_case(k_int_ist_fn, NULL, 0);
    EXPECT_EQ(trap_count[VEC_IST], 1);
    CHECK(within(trap_last.handler_rsp, ist1_lo, X86_IST_STACK_SIZE));
    EXPECT_EQ(frame_top(), ist1_top);
    EXPECT_EQ(trap_last.frame.rsp, trap_last.frame.rsi);
    EXPECT_EQ(trap_last.frame.cs, X86_SEL_KCODE);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)k_int_ist_resume);

    gprintf("check: INT 0x40 at CPL 3 (DPL-3 gate): handler at CPL 0 on the RSP0 stack, the frame "
            "holds the user SS:RSP and CS:RIP\n");
    handler_cs = 0;
    run_user_case(u_int_user_fn, NULL, 0);
    EXPECT_EQ(trap_count[VEC_USER], 1);
    EXPECT_EQ(trap_total(), 1);
    EXPECT_EQ(handler_cs, X86_SEL_KCODE);
    CHECK(within(trap_last.handler_rsp, rsp0_lo, X86_RSP0_STACK_SIZE));
    EXPECT_EQ(frame_top(), rsp0_top);
    EXPECT_EQ(trap_last.frame.cs, X86_SEL_UCODE);
    EXPECT_EQ(trap_last.frame.cs & 3, 3);
    EXPECT_EQ(trap_last.frame.ss, X86_SEL_UDATA);
    EXPECT_EQ(trap_last.frame.rsp, trap_last.frame.rsi);
    CHECK(within(trap_last.frame.rsp, x86_user_stack, X86_USER_STACK_SIZE));
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)u_int_user_resume);

    gprintf("check: INT 0x42 at CPL 3 through an IST=1 gate: IST1, not RSP0\n");
    run_user_case(u_int_ist_fn, NULL, 0);
    EXPECT_EQ(trap_count[VEC_IST], 1);
    CHECK(within(trap_last.handler_rsp, ist1_lo, X86_IST_STACK_SIZE));
    EXPECT_EQ(frame_top(), ist1_top);
    EXPECT_EQ(trap_last.frame.cs, X86_SEL_UCODE);
    EXPECT_EQ(trap_last.frame.ss, X86_SEL_UDATA);
    EXPECT_EQ(trap_last.frame.rsp, trap_last.frame.rsi);

    gprintf("check: INT 0x41 at CPL 3 through a DPL-0 gate: #GP(0x41*8+2), RIP at the INT\n");
    run_user_case(u_int_kern_fn, u_int_kern_resume, 0);
    EXPECT_EQ(trap_count[X86_VEC_GP], 1);
    EXPECT_EQ(trap_count[VEC_KERN], 0);
    EXPECT_EQ(trap_last.frame.error_code, VEC_KERN * 8 + 2);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)u_int_kern);
    EXPECT_EQ(trap_last.frame.cs, X86_SEL_UCODE);
    EXPECT_EQ(frame_top(), rsp0_top);

    gprintf("check: INT3 and INT 3 at CPL 3 with a DPL-0 #BP gate: #GP(3*8+2)\n");
    run_user_case(u_int3_fn, u_int3_resume, 0);
    EXPECT_EQ(trap_count[X86_VEC_GP], 1);
    EXPECT_EQ(trap_count[X86_VEC_BP], 0);
    EXPECT_EQ(trap_last.frame.error_code, 3 * 8 + 2);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)u_int3);
    run_user_case(u_int_3_fn, u_int_3_resume, 0);
    EXPECT_EQ(trap_count[X86_VEC_GP], 1);
    EXPECT_EQ(trap_last.frame.error_code, 3 * 8 + 2);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)u_int_3);

    gprintf("check: with a DPL-3 #BP gate, INT3 at CPL 3 is #BP with RIP after it\n");
    x86_idt_set_gate(X86_VEC_BP, X86_GATE_TRAP, 3, 0);
    run_user_case(u_int3_fn, NULL, 0);
    EXPECT_EQ(trap_count[X86_VEC_BP], 1);
    EXPECT_EQ(trap_count[X86_VEC_GP], 0);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)u_int3_resume);
    EXPECT_EQ(trap_last.frame.cs, X86_SEL_UCODE);
    EXPECT_EQ(handler_cs, X86_SEL_KCODE);

    gprintf("check: a CPU exception (ud2) at CPL 3 goes through the DPL-0 #UD gate\n");
    run_user_case(u_ud2_fn, u_ud2_resume, 0);
    EXPECT_EQ(trap_count[X86_VEC_UD], 1);
    EXPECT_EQ(trap_count[X86_VEC_GP], 0);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)u_ud2);
    EXPECT_EQ(trap_last.frame.rsp, trap_last.frame.rsi);
    EXPECT_EQ(frame_top(), rsp0_top);
    test_done();
}
