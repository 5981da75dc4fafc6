/* Negative guest test: a machine check with MSR[ME] = 0 stops the machine (status 80). */
#include "guest/ppc/ppc.h"

unsigned long mcheck_load(unsigned long addr);

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start("ppc_checkstop");
    mtmsr(mfmsr() & ~MSR_ME);
    mcheck_load(0x80000000UL);
    gprintf("FAIL: the load returned\n");
    return 1;
}
