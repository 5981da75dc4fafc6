/* Smoke test: the byte-channel console and the test device. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start("ppc_hello");
    gprintf("hello from the byte channel\n");
    CHECK(epapr_paravirt_enabled);
    test_done();
}
