/* A guest that never ends on its own (for --timeout tests): it counts in RAM forever. */
#include "guest/softkvm_guest.h"

static volatile unsigned long counter;

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    gprintf("looping\n");
    for (;;)
        counter++;
}
