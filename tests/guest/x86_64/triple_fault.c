/* Guest test (negative): ud2 with no IDT loaded escalates to a triple fault (softkvm exits with
 * 80). */
#include "guest/softkvm_guest.h"

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    gprintf("executing ud2 without an IDT\n");
    __asm__ volatile("ud2"); /* 0F 0B */
    gprintf("FAIL: execution continued after ud2\n");
    return 2;
}
