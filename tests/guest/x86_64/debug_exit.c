/* Guest test: a write of v to isa-debug-exit (port 0xF4) ends the run with status (v << 1) | 1. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/x86.h"

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    gprintf("writing 0x10 to port 0xf4: expect exit status 33\n");
    x86_outl(0xF4, 0x10);
    gprintf("FAIL: execution continued after the isa-debug-exit write\n");
    return 2;
}
