/* PowerPC guest start-up after crt0: device tree, boot information, hypercall patching, console;
 * then kmain. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

const void *ppc_fdt;

void ppc_start(const void *fdt);

void ppc_start(const void *fdt)
{
    ppc_fdt = fdt;
    int len = 0;
    const void *bi = fdt_getprop_path(fdt, "/chosen", "softkvm,boot-info", &len);
    unsigned long addr = 0;
    for (int i = 0; bi != NULL && i < len / 4; i++)
        addr = (addr << 16 << 16) | fdt_cell(bi, i);
    skvm_boot = (const struct skvm_boot_info *)addr;
    epapr_paravirt_init(fdt);
    guest_exit(kmain(skvm_boot));
}
