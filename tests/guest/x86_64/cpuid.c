/* Guest test: CPUID: KVM signature and feature leaves, hypervisor bit, vendor vs boot info. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/kvm_para.h"
#include "guest/x86_64/x86.h"

/* CPUID 0x40000000 at CPL 3: returns EBX (CPUID is not privileged). */
X86_USER_TEXT static uint64_t user_cpuid_sig(uint64_t leaf)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"((uint32_t)leaf), "c"(0));
    return b;
}

static void vendor_string(char out[13])
{
    uint32_t r[4];
    x86_cpuid(0, 0, r);
    memcpy(out, &r[1], 4);
    memcpy(out + 4, &r[3], 4);
    memcpy(out + 8, &r[2], 4);
    out[12] = '\0';
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_cpuid");
    x86_init(bi, true);
    uint32_t r[4];

    x86_cpuid(KVM_CPUID_SIGNATURE, 0, r);
    char sig[13];
    memcpy(sig, &r[1], 4);
    memcpy(sig + 4, &r[2], 4);
    memcpy(sig + 8, &r[3], 4);
    sig[12] = '\0';
    gprintf("CPUID 0x40000000: eax 0x%x ebx 0x%x ecx 0x%x edx 0x%x (\"%s\")\n", r[0], r[1], r[2],
            r[3], sig);
    gprintf("check: 0x40000000 has EAX = 0x40000001 and \"KVMKVMKVM\\0\\0\\0\"\n");
    EXPECT_EQ(r[0], KVM_CPUID_FEATURES);
    EXPECT_EQ(r[1], KVM_SIGNATURE_EBX);
    EXPECT_EQ(r[2], KVM_SIGNATURE_ECX);
    EXPECT_EQ(r[3], KVM_SIGNATURE_EDX);
    CHECK(memcmp(sig, "KVMKVMKVM\0\0\0", 12) == 0);
    CHECK(kvm_para_available());

    x86_cpuid(KVM_CPUID_FEATURES, 0, r);
    gprintf("CPUID 0x40000001: eax 0x%x (features) ebx 0x%x ecx 0x%x edx 0x%x (hints)\n", r[0],
            r[1], r[2], r[3]);
#ifndef EXPECT_FEATURES /* what softkvm implements: PV_UNHALT, PV_SEND_IPI, PV_SCHED_YIELD */
#define EXPECT_FEATURES                                                                            \
    ((1u << KVM_FEATURE_PV_UNHALT) | (1u << KVM_FEATURE_PV_SEND_IPI) |                             \
     (1u << KVM_FEATURE_PV_SCHED_YIELD))
#endif
    gprintf("check: 0x40000001 EAX = 0x%x (the features softkvm implements), EDX = 0\n",
            EXPECT_FEATURES);
    EXPECT_EQ(r[0], EXPECT_FEATURES);
    EXPECT_EQ(r[3], 0);
    EXPECT_EQ(kvm_arch_para_features(), r[0]);
    EXPECT_EQ(kvm_arch_para_hints(), r[3]);

    x86_cpuid(1, 0, r);
    gprintf("CPUID 1: eax 0x%x ebx 0x%x ecx 0x%x edx 0x%x\n", r[0], r[1], r[2], r[3]);
    gprintf("check: leaf 1 ECX bit 31 (hypervisor present) is set\n");
    CHECK(r[2] & (1u << 31));
    gprintf("check: leaf 1 has the xAPIC (EDX bit 9) and no x2APIC (ECX bit 21)\n");
    CHECK(r[3] & (1u << 9));
    CHECK(!(r[2] & (1u << 21)));
    gprintf("check: leaf 1 EDX reports PAE and MSR (the platform relies on both)\n");
    CHECK(r[3] & (1u << 6)); /* PAE */
    CHECK(r[3] & (1u << 5)); /* MSR */

    char vendor[13];
    vendor_string(vendor);
    x86_cpuid(0, 0, r);
    bool amd = x86_native_vmmcall();
    gprintf("CPUID 0: max leaf 0x%x vendor \"%s\"; boot info says %s\n", r[0], vendor,
            amd ? "AMD (VMMCALL)" : "Intel (VMCALL)");
    gprintf("check: leaf 0 vendor matches the boot-info flag, max leaf >= 1\n");
    CHECK(strcmp(vendor, amd ? "AuthenticAMD" : "GenuineIntel") == 0);
    CHECK(r[0] >= 1);

    x86_cpuid(0x80000001u, 0, r);
    gprintf("CPUID 0x80000001: ecx 0x%x edx 0x%x\n", r[2], r[3]);
    gprintf("check: long mode and NX are reported (the guest runs with both)\n");
    CHECK(r[3] & (1u << 29)); /* LM */
    CHECK(r[3] & (1u << 20)); /* NX */

    gprintf("check: CPUID works at CPL 3 and gives the same signature\n");
    EXPECT_EQ(x86_enter_user(user_cpuid_sig, KVM_CPUID_SIGNATURE, X86_USER_STACK_TOP),
              KVM_SIGNATURE_EBX);
    test_done();
}
