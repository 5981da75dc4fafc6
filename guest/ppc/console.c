/* PowerPC guest console: the ePAPR byte channel once the hypercall stub is patched, else the test
 * device's console register. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

void arch_putc(char c)
{
    if (epapr_paravirt_enabled && epapr_console_handle >= 0) {
        unsigned long sent = 0;
        if (ev_byte_channel_send((unsigned long)epapr_console_handle, 1, &c, &sent) == EV_SUCCESS &&
            sent == 1)
            return;
    }
    testdev_putc(c);
}
