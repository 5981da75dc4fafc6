/* A guest that never ends on its own (for --timeout and signal tests): a KVM hypercall every
 * few thousand instructions, so a trace of it grows for as long as it runs, but slowly. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/kvm_para.h"

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    gprintf("looping\n");
    for (;;) {
        for (volatile unsigned i = 0; i < 2000; i++)
            ;
        kvm_hypercall0(KVM_HC_VAPIC_POLL_IRQ);
    }
}
