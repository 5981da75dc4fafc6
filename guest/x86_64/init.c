/* x86-64 guest setup in one call, and returning from CPL 3 to x86_enter_user's caller. */
#include "guest/x86_64/x86.h"

extern uint64_t x86_user_kernel_rsp;
extern char x86_user_resume[];

void x86_init(const struct skvm_boot_info *bi, bool paging)
{
    x86_gdt_init();
    x86_idt_init();
    if (paging) {
        x86_pt_init(bi);
        x86_pt_map_user_sections();
    }
}

void x86_user_return(struct trap_frame *f, uint64_t value)
{
    f->rip = (uint64_t)(uintptr_t)x86_user_resume;
    f->cs = X86_SEL_KCODE;
    f->rflags = X86_RFLAGS_FIXED;
    f->rsp = x86_user_kernel_rsp;
    f->ss = X86_SEL_KDATA;
    f->rax = value;
}
