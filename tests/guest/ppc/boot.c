/* Guest test: the ePAPR entry state, the device tree softkvm builds and the boot information. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

#ifndef EXPECT_HV_STYLE
#define EXPECT_HV_STYLE 0
#endif

static bool str_prop(const char *path, const char *name, const char *want)
{
    int len = 0;
    const char *p = fdt_getprop_path(ppc_fdt, path, name, &len);
    return p != NULL && len == (int)strlen(want) + 1 && strcmp(p, want) == 0;
}

static unsigned long cells(const void *p, int n)
{
    unsigned long v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 16 << 16) | fdt_cell(p, i);
    return v;
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start(PPC64 ? "ppc64_boot" : "ppc_boot");
    const struct ppc_entry_state *e = &ppc_entry_state;

    gprintf("check: ePAPR entry registers\n");
    EXPECT_EQ(e->gpr[3], (unsigned long)ppc_fdt);
    EXPECT_EQ(e->gpr[3], 0x11000);
    EXPECT_EQ(e->gpr[4], 0);
    EXPECT_EQ(e->gpr[5], 0);
    EXPECT_EQ(e->gpr[6], 0x45504150);   /* "EPAP" */
    EXPECT_EQ(e->gpr[7], bi->ram_size); /* the initial mapped area: all of RAM */
    EXPECT_EQ(e->gpr[1], 0xFFF00);
    for (int r = 0; r < 32; r++)
        if (r != 1 && r != 3 && r != 6 && r != 7)
            EXPECT_EQ(e->gpr[r], 0);

    gprintf("check: MSR supervisor, translation and interrupts off, vectors at 0\n");
    gprintf("MSR at entry 0x%lx\n", e->msr);
    CHECK(!(e->msr & MSR_PR));
    CHECK(!(e->msr & (MSR_IR | MSR_DR)));
    CHECK(!(e->msr & MSR_EE));
    CHECK(!(e->msr & MSR_IP));
    CHECK(e->msr & MSR_ME);
#if PPC64
    CHECK(e->msr & MSR_SF);
    EXPECT_EQ(e->msr, MSR_SF | MSR_HV | MSR_ME);
#else
    EXPECT_EQ(e->msr, MSR_ME);
#endif
    EXPECT_EQ(mfspr(SPR_DEC), 0x7FFFFFFF);

    gprintf("check: boot information block (big-endian fields)\n");
    EXPECT_EQ(bi->magic, SKVM_BOOT_MAGIC);
    EXPECT_EQ(bi->version, SKVM_BOOT_VERSION);
    EXPECT_EQ(bi->ncpus, 1);
    EXPECT_EQ(bi->testdev_base, SKVM_TESTDEV_BASE);
    EXPECT_EQ(bi->boot_area_end, 0x100000);
    EXPECT_EQ(bi->x86_pml4, 0);
    EXPECT_EQ((unsigned long)bi, 0x10000);
    CHECK(bi->ram_size >= (2u << 20));

    gprintf("check: device tree root, memory, cpus, chosen\n");
    int len = 0;
    int na = PPC64 ? 2 : 1;
    const void *p = fdt_getprop_path(ppc_fdt, "/", "#address-cells", &len);
    CHECK(p != NULL && len == 4 && fdt_cell(p, 0) == (uint32_t)na);
    CHECK(str_prop("/", "compatible", PPC64 ? "softkvm,ppc64" : "softkvm,ppc"));
    CHECK(str_prop("/memory@0", "device_type", "memory"));
    p = fdt_getprop_path(ppc_fdt, "/memory@0", "reg", &len);
    CHECK(p != NULL && len == 8 * na);
    if (p != NULL) {
        EXPECT_EQ(cells(p, na), 0);
        EXPECT_EQ(cells((const uint8_t *)p + 4 * na, na), bi->ram_size);
    }
    CHECK(str_prop("/chosen", "stdout-path", "/hypervisor/console"));
    p = fdt_getprop_path(ppc_fdt, "/chosen", "softkvm,boot-info", &len);
    CHECK(p != NULL && cells(p, na) == 0x10000);
    p = fdt_find_prop_any(ppc_fdt, "timebase-frequency", &len);
    CHECK(p != NULL && fdt_cell(p, 0) == 100000000);
    p = fdt_find_prop_any(ppc_fdt, "cpu-version", &len);
    CHECK(p != NULL && fdt_cell(p, 0) == mfspr(SPR_PVR));
    gprintf("PVR 0x%lx\n", mfspr(SPR_PVR));

    gprintf("check: /hypervisor: compatible, hcall-instructions, has-idle, guest-name, console\n");
    p = fdt_getprop_path(ppc_fdt, "/hypervisor", "compatible", &len);
    CHECK(p != NULL && fdt_stringlist_contains(p, len, "linux,kvm"));
    CHECK(p != NULL && fdt_stringlist_contains(p, len, "epapr,hypervisor-1"));
    CHECK(kvm_para_available());
    p = fdt_getprop_path(ppc_fdt, "/hypervisor", "hcall-instructions", &len);
    EXPECT_EQ(len, 16);
    static const uint32_t pr[4] = {0x3C004B56, 0x60004D21, 0x44000002, 0x60000000};
    static const uint32_t hv[4] = {0x44000022, 0x60000000, 0x60000000, 0x60000000};
    const uint32_t *want = EXPECT_HV_STYLE ? hv : pr;
    for (int i = 0; p != NULL && i < 4; i++) {
        EXPECT_EQ(fdt_cell(p, i), want[i]);
        EXPECT_EQ(epapr_hypercall_start[i], want[i]); /* patched by epapr_paravirt_init */
    }
    CHECK(fdt_getprop_path(ppc_fdt, "/hypervisor", "has-idle", &len) != NULL && len == 0);
    CHECK(epapr_has_idle);
    CHECK(str_prop("/hypervisor", "guest-name", "softkvm"));
    CHECK(str_prop("/hypervisor/console", "compatible", "epapr,hv-byte-channel"));
    p = fdt_getprop_path(ppc_fdt, "/hypervisor/console", "hv-handle", &len);
    CHECK(p != NULL && len == 4 && (long)fdt_cell(p, 0) == epapr_console_handle);
    gprintf("console byte channel handle %ld\n", epapr_console_handle);
    CHECK(str_prop("/test-device@f0000000", "compatible", "softkvm,test-device"));
    test_done();
}
