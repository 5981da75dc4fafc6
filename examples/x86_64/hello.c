/* Example x86-64 guest: finds KVM through CPUID, makes a few hypercalls and prints the results. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/kvm_para.h"
#include "guest/x86_64/x86.h"

/* The hypercall with the instruction the boot info says is native to this vCPU. */
static long hypercall2(unsigned int nr, unsigned long p1, unsigned long p2)
{
    if (x86_native_vmmcall())
        return kvm_hypercall2_vmmcall(nr, p1, p2);
    return kvm_hypercall2(nr, p1, p2);
}

int kmain(const struct skvm_boot_info *bi)
{
    gprintf("hello from an x86-64 guest: %lu MiB RAM, %u vCPU(s), %s hypercalls\n",
            (unsigned long)(bi->ram_size >> 20), bi->ncpus,
            x86_native_vmmcall() ? "VMMCALL" : "VMCALL");

    uint32_t r[4];
    char vendor[13];
    x86_cpuid(0, 0, r);
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    vendor[12] = '\0';
    gprintf("CPU vendor: %s\n", vendor);

    uint32_t base = kvm_cpuid_base();
    if (base == 0) {
        gprintf("no KVM signature in CPUID: not running under a KVM-compatible hypervisor\n");
        return 1;
    }
    char sig[13];
    x86_cpuid(base, 0, r);
    memcpy(sig, &r[1], 4);
    memcpy(sig + 4, &r[2], 4);
    memcpy(sig + 8, &r[3], 4);
    sig[12] = '\0';
    gprintf("KVM signature at CPUID 0x%x: \"%s\", highest leaf 0x%x\n", base, sig, r[0]);
    gprintf("KVM features: 0x%08x, hints: 0x%08x\n", kvm_arch_para_features(),
            kvm_arch_para_hints());

    long ret = hypercall2(KVM_HC_VAPIC_POLL_IRQ, 0, 0);
    gprintf("KVM_HC_VAPIC_POLL_IRQ -> %ld\n", ret);
    ret = hypercall2(0x7777, 0, 0);
    gprintf("hypercall 0x7777 (unknown) -> %ld%s\n", ret,
            ret == -KVM_ENOSYS ? " (-KVM_ENOSYS)" : "");
    ret = hypercall2(KVM_HC_KICK_CPU, 0, 0);
    gprintf("KVM_HC_KICK_CPU(flags 0, APIC ID 0) -> %ld%s\n", ret,
            ret == -KVM_ENOSYS ? " (-KVM_ENOSYS)" : "");

    gprintf("goodbye\n");
    return 0;
}
