/* Guest test: #GP error codes: bad selectors, non-canonical addresses, CPL-3 privileged insns. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/x86.h"

#include "fault_case.h"

/* Selector loads into DS or SS (the caller reloads the kernel selectors afterwards). */
FAULT_CASE(gp_ds_limit, "movl $0x48, %eax", "movl %eax, %ds") /* index 9: past the GDT limit */
FAULT_CASE(gp_ds_big, "movl $0x1000, %eax", "movl %eax, %ds") /* far past it */
FAULT_CASE(gp_ds_tss, "movl $0x38, %eax", "movl %eax, %ds")   /* a system (TSS) descriptor */
FAULT_CASE(gp_ds_ldt, "movl $0x0c, %eax", "movl %eax, %ds")   /* TI = 1 with no LDT */
FAULT_CASE(gp_ss_rpl, "movl $0x2b, %eax", "movl %eax, %ss")   /* SS RPL 3 at CPL 0 */
FAULT_CASE(ok_ds_code, "movl $0x18, %eax", "movl %eax, %ds")  /* readable code: allowed */
FAULT_CASE(gp_noncanon, "movabsq $0x8000000000000000, %rax", "movq (%rax), %rax")
FAULT_CASE(gp_noncanon_w, "movabsq $0x0000800000000010, %rcx", "movq %rax, (%rcx)")

/* Privileged instructions at CPL 3 (IOPL 0, no I/O bitmap): #GP(0). */
USER_FAULT_CASE(u_hlt, "", "hlt")
USER_FAULT_CASE(u_cli, "", "cli")
USER_FAULT_CASE(u_sti, "", "sti")
USER_FAULT_CASE(u_mov_cr0, "", "movq %cr0, %rax")
USER_FAULT_CASE(u_mov_cr3, "xorl %eax, %eax", "movq %rax, %cr3")
USER_FAULT_CASE(u_outb, "movb $0x41, %al; movw $0x3f8, %dx", "outb %al, %dx")
USER_FAULT_CASE(u_outl_exit, "movl $0x55, %eax", "outl %eax, $0xf4") /* isa-debug-exit */
USER_FAULT_CASE(u_inb, "movw $0x3fd, %dx", "inb %dx, %al")
USER_FAULT_CASE(u_rdmsr, "movl $0xc0000080, %ecx", "rdmsr")
USER_FAULT_CASE(u_wrmsr, "movl $0xc0000080, %ecx; xorl %eax, %eax; xorl %edx, %edx", "wrmsr")
USER_FAULT_CASE(u_lgdt, "", "lgdt (%rsp)")
USER_FAULT_CASE(u_invlpg, "", "invlpg (%rsp)")
USER_FAULT_CASE(u_testdev, "movl $0xf0000000, %ecx; movl $0x66, %eax", "movl %eax, (%rcx)")

static void reload_kernel_segments(void)
{
    __asm__ volatile("movl %0, %%ds\n\tmovl %0, %%es\n\tmovl %0, %%ss" : : "r"(X86_SEL_KDATA));
}

static void expect_gp(const char *what, bool user, uint64_t (*fn)(uint64_t), char *insn,
                      char *resume, uint64_t err)
{
    gprintf("check: %s: #GP(0x%lx) with RIP at the instruction\n", what, err);
    if (user)
        run_user_case(fn, resume, 0);
    else
        run_case(fn, resume, 0);
    reload_kernel_segments();
    EXPECT_EQ(trap_count[X86_VEC_GP], 1);
    EXPECT_EQ(trap_total(), 1);
    EXPECT_EQ(trap_last.frame.error_code, err);
    EXPECT_EQ(trap_last.frame.rip, (uintptr_t)insn);
    EXPECT_EQ(trap_last.frame.cs, user ? X86_SEL_UCODE : X86_SEL_KCODE);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_exc_gp");
    x86_init(bi, true);
    trap_register(X86_VEC_GP, trap_record_handler);
    trap_register(X86_VEC_PF, trap_record_handler);

    expect_gp("DS = 0x48 (beyond the GDT limit)", false, gp_ds_limit_fn, gp_ds_limit,
              gp_ds_limit_resume, 0x48);
    expect_gp("DS = 0x1000", false, gp_ds_big_fn, gp_ds_big, gp_ds_big_resume, 0x1000);
    expect_gp("DS = 0x38 (TSS descriptor)", false, gp_ds_tss_fn, gp_ds_tss, gp_ds_tss_resume, 0x38);
    expect_gp("DS = 0x0C (LDT selector, no LDT)", false, gp_ds_ldt_fn, gp_ds_ldt, gp_ds_ldt_resume,
              0x0C);
    expect_gp("SS = 0x2B at CPL 0 (RPL != CPL)", false, gp_ss_rpl_fn, gp_ss_rpl, gp_ss_rpl_resume,
              0x28);
    gprintf("check: DS = 0x18 (readable code segment) is allowed\n");
    run_case(ok_ds_code_fn, NULL, 0);
    reload_kernel_segments();
    EXPECT_EQ(trap_total(), 0);
    expect_gp("read at a non-canonical address", false, gp_noncanon_fn, gp_noncanon,
              gp_noncanon_resume, 0);
    expect_gp("write at a non-canonical address", false, gp_noncanon_w_fn, gp_noncanon_w,
              gp_noncanon_w_resume, 0);

    expect_gp("HLT at CPL 3", true, u_hlt_fn, u_hlt, u_hlt_resume, 0);
    expect_gp("CLI at CPL 3", true, u_cli_fn, u_cli, u_cli_resume, 0);
    expect_gp("STI at CPL 3", true, u_sti_fn, u_sti, u_sti_resume, 0);
    expect_gp("MOV from CR0 at CPL 3", true, u_mov_cr0_fn, u_mov_cr0, u_mov_cr0_resume, 0);
    expect_gp("MOV to CR3 at CPL 3", true, u_mov_cr3_fn, u_mov_cr3, u_mov_cr3_resume, 0);
    expect_gp("RDMSR at CPL 3", true, u_rdmsr_fn, u_rdmsr, u_rdmsr_resume, 0);
    expect_gp("WRMSR at CPL 3", true, u_wrmsr_fn, u_wrmsr, u_wrmsr_resume, 0);
    expect_gp("LGDT at CPL 3", true, u_lgdt_fn, u_lgdt, u_lgdt_resume, 0);
    expect_gp("INVLPG at CPL 3", true, u_invlpg_fn, u_invlpg, u_invlpg_resume, 0);

    gprintf("check: a CPL-3 store to the test device (a supervisor page) is a #PF, not an exit\n");
    run_user_case(u_testdev_fn, u_testdev_resume, 0);
    EXPECT_EQ(trap_count[X86_VEC_PF], 1);
    EXPECT_EQ(trap_last.frame.error_code, X86_PF_P | X86_PF_W | X86_PF_U);
    EXPECT_EQ(trap_last.cr2, SKVM_TESTDEV_BASE);

    /* Port I/O last: a hypervisor that lets CPL-3 OUT through ends the run at the debug-exit port
     * (status 171) after the other checks have reported. */
    gprintf("check: port I/O at CPL 3 with IOPL 0 and no I/O bitmap\n");
    expect_gp("IN from the UART at CPL 3", true, u_inb_fn, u_inb, u_inb_resume, 0);
    expect_gp("OUT to the UART at CPL 3", true, u_outb_fn, u_outb, u_outb_resume, 0);
    expect_gp("OUT to isa-debug-exit at CPL 3 (must not end the run)", true, u_outl_exit_fn,
              u_outl_exit, u_outl_exit_resume, 0);
    test_done();
}
