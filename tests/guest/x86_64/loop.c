/* A guest that never ends on its own (for --timeout and signal tests): one KVM hypercall per
 * iteration, so a trace of it grows for as long as it runs. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/kvm_para.h"

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    gprintf("looping\n");
    for (;;)
        kvm_hypercall0(KVM_HC_VAPIC_POLL_IRQ);
}
