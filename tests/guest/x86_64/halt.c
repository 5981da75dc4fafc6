/* Guest test (negative): HLT with interrupts off halts the vCPU for good (exit status 81). */
#include "guest/softkvm_guest.h"

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    gprintf("halting with interrupts disabled\n");
    __asm__ volatile("cli\n\thlt" ::: "memory");
    gprintf("FAIL: execution continued after hlt\n");
    return 2;
}
