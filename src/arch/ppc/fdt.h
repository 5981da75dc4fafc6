/* The PowerPC guest's flattened device tree, built with libfdt from a plain description (pure). */
#ifndef SOFTKVM_ARCH_PPC_FDT_H
#define SOFTKVM_ARCH_PPC_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ppc_fdt_params {
    bool is64;               /* #address-cells/#size-cells 2 instead of 1; "64-bit" cpu */
    uint64_t ram_size;       /* /memory@0 reg */
    const char *cpu_name;    /* /cpus/<cpu_name>@0, e.g. "PowerPC,7457A" */
    uint32_t pvr;            /* cpu-version (0: omitted) */
    uint32_t cache_line;     /* d-/i-cache line and block sizes */
    uint32_t tb_freq;        /* timebase-frequency (the decrementer's too) */
    uint32_t hcall[4];       /* /hypervisor hcall-instructions, big-endian cells */
    bool has_idle;           /* /hypervisor has-idle (EV_IDLE is implemented) */
    const char *guest_name;  /* /hypervisor guest-name */
    uint32_t console_handle; /* /hypervisor/console hv-handle (the ePAPR byte channel) */
    uint64_t boot_info;      /* /chosen softkvm,boot-info */
    uint64_t testdev;        /* /test-device@... reg base (4 KiB) */
    uint64_t irqdev;         /* /irq-line@... reg base (4 KiB) */
};

/* Build the tree into buf[0..size): / (model, compatible "softkvm,ppc" or "softkvm,ppc64"),
 * /chosen (stdout-path to the console, softkvm,boot-info), /memory@0, /cpus/cpu@0,
 * /hypervisor (compatible "linux,kvm" and "epapr,hypervisor-1", hcall-instructions, has-idle,
 * guest-name, guest-id, and the console byte channel node), the test device and the interrupt
 * line. Returns the tree's size, or a negative libfdt error (-FDT_ERR_NOSPACE if buf is small). */
int ppc_fdt_build(const struct ppc_fdt_params *p, void *buf, size_t size);

#endif
