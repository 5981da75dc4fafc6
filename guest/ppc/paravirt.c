/* ePAPR paravirtualisation for PowerPC guests, as Linux's epapr_paravirt.c and kvm.c do it: patch
 * the hypercall stub from the device tree, then the KVM and ePAPR calls built on it. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

bool epapr_paravirt_enabled;
bool epapr_has_idle;
long epapr_console_handle = -1;

/* Make the new instruction words visible to instruction fetch. */
static void sync_icache(void *p, size_t n)
{
    for (uintptr_t a = (uintptr_t)p & ~31UL; a < (uintptr_t)p + n; a += 32)
        __asm__ volatile("dcbst 0, %0; sync; icbi 0, %0" ::"r"(a) : "memory");
    __asm__ volatile("sync; isync" ::: "memory");
}

int epapr_paravirt_init(const void *fdt)
{
    int len = 0;
    const uint8_t *insns = fdt_find_prop_any(fdt, "hcall-instructions", &len);
    if (insns == NULL || len % 4 != 0 || len > 16)
        return -1;
    for (int i = 0; i < len / 4; i++)
        epapr_hypercall_start[i] = fdt_cell(insns, i);
    sync_icache(epapr_hypercall_start, sizeof(uint32_t) * 4);
    epapr_has_idle = fdt_getprop_path(fdt, "/hypervisor", "has-idle", NULL) != NULL;
    const void *h = fdt_getprop_path(fdt, "/hypervisor/console", "hv-handle", &len);
    if (h != NULL && len == 4)
        epapr_console_handle = (long)fdt_cell(h, 0);
    epapr_paravirt_enabled = true;
    return 0;
}

bool kvm_para_available(void)
{
    int len = 0;
    const char *c = fdt_getprop_path(ppc_fdt, "/hypervisor", "compatible", &len);
    return c != NULL && fdt_stringlist_contains(c, len, "linux,kvm");
}

unsigned long kvm_arch_para_features(void)
{
    unsigned long r4 = 0;
    if (!kvm_para_available() || kvm_hypercall0_1(KVM_HC_FEATURES, &r4) != 0)
        return 0;
    return r4;
}

long kvm_map_magic_page(unsigned long pa, unsigned long ea_flags, unsigned long *features)
{
    unsigned long in[8] = {pa, ea_flags}, out[8] = {0};
    long r = kvm_hypercall(in, out, KVM_HC_PPC_MAP_MAGIC_PAGE);
    if (features != NULL)
        *features = out[0];
    return r;
}

unsigned long ev_idle(void)
{
    unsigned long in[8] = {0}, out[8];
    return epapr_hypercall(in, out, EV_HCALL_TOKEN(EV_IDLE));
}

unsigned long ev_byte_channel_send(unsigned long handle, unsigned long count, const char *buf,
                                   unsigned long *sent)
{
    unsigned long in[8] = {handle, count}, out[8] = {0};
    for (unsigned i = 0; i < 16; i++) {
        uint8_t b = i < count ? (uint8_t)buf[i] : 0;
        in[2 + i / 4] |= (unsigned long)b << (24 - 8 * (i % 4));
    }
    unsigned long r = epapr_hypercall(in, out, EV_HCALL_TOKEN(EV_BYTE_CHANNEL_SEND));
    if (sent != NULL)
        *sent = out[0];
    return r;
}
