/* Guest test (negative): a jump into device memory (the test device page at 0xF0000000 + 0x800)
 * cannot run there: softkvm ends the run as a guest crash (status 80), as KVM cannot emulate it. */
#include "guest/softkvm_guest.h"

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    gprintf("jumping into the test device page\n");
    ((void (*)(void))(uintptr_t)0xF0000800UL)();
    gprintf("FAIL: execution came back from device memory\n");
    return 2;
}
