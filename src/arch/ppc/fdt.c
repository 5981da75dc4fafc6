/* The PowerPC guest's flattened device tree, built with libfdt's sequential writer (pure). */
#include "arch/ppc/fdt.h"

#include <libfdt.h>
#include <stdio.h>
#include <string.h>

/* Store v as n big-endian 32-bit cells at out; returns the byte count. */
static int cells(uint8_t *out, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint32_t c = (uint32_t)(v >> (32 * (n - 1 - i)));
        out[4 * i] = (uint8_t)(c >> 24);
        out[4 * i + 1] = (uint8_t)(c >> 16);
        out[4 * i + 2] = (uint8_t)(c >> 8);
        out[4 * i + 3] = (uint8_t)c;
    }
    return (int)(4 * n);
}

/* reg = <base size> with n address and size cells. */
static int prop_reg(void *fdt, uint64_t base, uint64_t len, unsigned n)
{
    uint8_t buf[16];
    int k = cells(buf, base, n);
    k += cells(buf + k, len, n);
    return fdt_property(fdt, "reg", buf, k);
}

static int device_node(void *fdt, const char *name, uint64_t base, const char *compat, unsigned n)
{
    char node[64];
    snprintf(node, sizeof(node), "%s@%llx", name, (unsigned long long)base);
    int rc = fdt_begin_node(fdt, node);
    if (rc == 0)
        rc = fdt_property_string(fdt, "compatible", compat);
    if (rc == 0)
        rc = prop_reg(fdt, base, 0x1000, n);
    if (rc == 0)
        rc = fdt_end_node(fdt);
    return rc;
}

int ppc_fdt_build(const struct ppc_fdt_params *p, void *buf, size_t size)
{
    unsigned n = p->is64 ? 2 : 1;
    void *fdt = buf;
    uint8_t tmp[16];
    static const char hv_compat[] = "linux,kvm\0epapr,hypervisor-1";
    int rc = fdt_create(fdt, (int)size);
    rc = rc ?: fdt_finish_reservemap(fdt);
    rc = rc ?: fdt_begin_node(fdt, "");
    rc = rc ?: fdt_property_u32(fdt, "#address-cells", n);
    rc = rc ?: fdt_property_u32(fdt, "#size-cells", n);
    rc = rc ?: fdt_property_string(fdt, "model", "softkvm");
    rc = rc ?: fdt_property_string(fdt, "compatible", p->is64 ? "softkvm,ppc64" : "softkvm,ppc");

    rc = rc ?: fdt_begin_node(fdt, "chosen");
    rc = rc ?: fdt_property_string(fdt, "stdout-path", "/hypervisor/console");
    rc = rc ?: fdt_property_string(fdt, "linux,stdout-path", "/hypervisor/console");
    rc = rc ?: fdt_property_string(fdt, "bootargs", "");
    rc = rc ?: fdt_property(fdt, "softkvm,boot-info", tmp, cells(tmp, p->boot_info, n));
    rc = rc ?: fdt_end_node(fdt);

    rc = rc ?: fdt_begin_node(fdt, "memory@0");
    rc = rc ?: fdt_property_string(fdt, "device_type", "memory");
    rc = rc ?: prop_reg(fdt, 0, p->ram_size, n);
    rc = rc ?: fdt_end_node(fdt);

    char cpu[64];
    snprintf(cpu, sizeof(cpu), "%s@0", p->cpu_name);
    rc = rc ?: fdt_begin_node(fdt, "cpus");
    rc = rc ?: fdt_property_u32(fdt, "#address-cells", 1);
    rc = rc ?: fdt_property_u32(fdt, "#size-cells", 0);
    rc = rc ?: fdt_begin_node(fdt, cpu);
    rc = rc ?: fdt_property_string(fdt, "device_type", "cpu");
    rc = rc ?: fdt_property_u32(fdt, "reg", 0);
    rc = rc ?: fdt_property_string(fdt, "status", "okay");
    rc = rc ?: fdt_property_u32(fdt, "timebase-frequency", p->tb_freq);
    rc = rc ?: fdt_property_u32(fdt, "clock-frequency", p->tb_freq);
    rc = rc ?: fdt_property_u32(fdt, "d-cache-line-size", p->cache_line);
    rc = rc ?: fdt_property_u32(fdt, "i-cache-line-size", p->cache_line);
    rc = rc ?: fdt_property_u32(fdt, "d-cache-block-size", p->cache_line);
    rc = rc ?: fdt_property_u32(fdt, "i-cache-block-size", p->cache_line);
    if (p->pvr != 0)
        rc = rc ?: fdt_property_u32(fdt, "cpu-version", p->pvr);
    if (p->is64)
        rc = rc ?: fdt_property(fdt, "64-bit", NULL, 0);
    rc = rc ?: fdt_end_node(fdt);
    rc = rc ?: fdt_end_node(fdt);

    rc = rc ?: fdt_begin_node(fdt, "hypervisor");
    rc = rc ?: fdt_property(fdt, "compatible", hv_compat, sizeof(hv_compat));
    uint8_t words[16];
    for (unsigned i = 0; i < 4; i++)
        cells(words + 4 * i, p->hcall[i], 1);
    rc = rc ?: fdt_property(fdt, "hcall-instructions", words, sizeof(words));
    if (p->has_idle)
        rc = rc ?: fdt_property(fdt, "has-idle", NULL, 0);
    rc = rc ?: fdt_property_string(fdt, "guest-name", p->guest_name);
    rc = rc ?: fdt_property_u32(fdt, "guest-id", 0);
    rc = rc ?: fdt_begin_node(fdt, "console");
    rc = rc ?: fdt_property_string(fdt, "compatible", "epapr,hv-byte-channel");
    rc = rc ?: fdt_property_u32(fdt, "hv-handle", p->console_handle);
    rc = rc ?: fdt_end_node(fdt);
    rc = rc ?: fdt_end_node(fdt);

    rc = rc ?: device_node(fdt, "test-device", p->testdev, "softkvm,test-device", n);
    rc = rc ?: device_node(fdt, "irq-line", p->irqdev, "softkvm,irq-line", n);
    rc = rc ?: fdt_end_node(fdt);
    rc = rc ?: fdt_finish(fdt);
    return rc < 0 ? rc : (int)fdt_totalsize(fdt);
}
