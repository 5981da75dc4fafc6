/* Guest test (negative): ud2 with the #UD, #NP and #DF gates not present: triple fault. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/x86.h"

int kmain(const struct skvm_boot_info *bi)
{
    x86_init(bi, false);
    x86_idt_set_present(X86_VEC_UD, false);
    x86_idt_set_present(X86_VEC_NP, false);
    x86_idt_set_present(X86_VEC_DF, false);
    gprintf("executing ud2 with the #UD, #NP and #DF gates not present\n");
    __asm__ volatile("ud2"); /* 0F 0B */
    gprintf("FAIL: execution continued after ud2\n");
    return 2;
}
