/* KVM paravirtual interface for x86-64 guests: hypercalls, CPUID detection, ABI constants. */
#ifndef GUEST_X86_64_KVM_PARA_H
#define GUEST_X86_64_KVM_PARA_H

#include <stdbool.h>
#include <stdint.h>
#include "softkvm/kvm_abi.h"

/* ---- Hypercall numbers (RAX) ---- */

/* ---- Return codes (returned negated in RAX) ---- */

/* ---- CPUID leaves ---- */

/* "KVMKVMKVM\0\0\0" as EBX, ECX, EDX of KVM_CPUID_SIGNATURE */

/* ---- KVM_CPUID_FEATURES EAX bit numbers ---- */

/* KVM_CPUID_FEATURES EDX hint bits */

/* ---- Hypercalls ----
 * nr in RAX, p1..p4 in RBX, RCX, RDX, RSI; the result comes back in RAX and nothing else
 * changes. The default form uses VMCALL (Intel); KVM rewrites it to VMMCALL on AMD hosts (or, with
 * patching disabled, the guest gets #UD). The _vmmcall forms use the AMD instruction. */

#define KVM_HYPERCALL_VMCALL  "vmcall"  /* 0F 01 C1 */
#define KVM_HYPERCALL_VMMCALL "vmmcall" /* 0F 01 D9 */

static inline long kvm_hypercall0(unsigned int nr)
{
    long ret;
    __asm__ volatile(KVM_HYPERCALL_VMCALL : "=a"(ret) : "a"(nr) : "memory");
    return ret;
}

static inline long kvm_hypercall1(unsigned int nr, unsigned long p1)
{
    long ret;
    __asm__ volatile(KVM_HYPERCALL_VMCALL : "=a"(ret) : "a"(nr), "b"(p1) : "memory");
    return ret;
}

static inline long kvm_hypercall2(unsigned int nr, unsigned long p1, unsigned long p2)
{
    long ret;
    __asm__ volatile(KVM_HYPERCALL_VMCALL : "=a"(ret) : "a"(nr), "b"(p1), "c"(p2) : "memory");
    return ret;
}

static inline long kvm_hypercall3(unsigned int nr, unsigned long p1, unsigned long p2,
                                  unsigned long p3)
{
    long ret;
    __asm__ volatile(KVM_HYPERCALL_VMCALL
                     : "=a"(ret)
                     : "a"(nr), "b"(p1), "c"(p2), "d"(p3)
                     : "memory");
    return ret;
}

static inline long kvm_hypercall4(unsigned int nr, unsigned long p1, unsigned long p2,
                                  unsigned long p3, unsigned long p4)
{
    long ret;
    __asm__ volatile(KVM_HYPERCALL_VMCALL
                     : "=a"(ret)
                     : "a"(nr), "b"(p1), "c"(p2), "d"(p3), "S"(p4)
                     : "memory");
    return ret;
}

static inline long kvm_hypercall0_vmmcall(unsigned int nr)
{
    long ret;
    __asm__ volatile(KVM_HYPERCALL_VMMCALL : "=a"(ret) : "a"(nr) : "memory");
    return ret;
}

static inline long kvm_hypercall1_vmmcall(unsigned int nr, unsigned long p1)
{
    long ret;
    __asm__ volatile(KVM_HYPERCALL_VMMCALL : "=a"(ret) : "a"(nr), "b"(p1) : "memory");
    return ret;
}

static inline long kvm_hypercall2_vmmcall(unsigned int nr, unsigned long p1, unsigned long p2)
{
    long ret;
    __asm__ volatile(KVM_HYPERCALL_VMMCALL : "=a"(ret) : "a"(nr), "b"(p1), "c"(p2) : "memory");
    return ret;
}

static inline long kvm_hypercall3_vmmcall(unsigned int nr, unsigned long p1, unsigned long p2,
                                          unsigned long p3)
{
    long ret;
    __asm__ volatile(KVM_HYPERCALL_VMMCALL
                     : "=a"(ret)
                     : "a"(nr), "b"(p1), "c"(p2), "d"(p3)
                     : "memory");
    return ret;
}

static inline long kvm_hypercall4_vmmcall(unsigned int nr, unsigned long p1, unsigned long p2,
                                          unsigned long p3, unsigned long p4)
{
    long ret;
    __asm__ volatile(KVM_HYPERCALL_VMMCALL
                     : "=a"(ret)
                     : "a"(nr), "b"(p1), "c"(p2), "d"(p3), "S"(p4)
                     : "memory");
    return ret;
}

/* Full 64-bit RAX forms (kvm_hypercallN takes an unsigned int nr, as Linux's): for tests that
 * need to put bits above 31 into RAX. */
static inline long kvm_hypercall_raw(unsigned long rax, unsigned long p1, unsigned long p2,
                                     unsigned long p3, unsigned long p4, bool vmmcall)
{
    long ret;
    if (vmmcall)
        __asm__ volatile(KVM_HYPERCALL_VMMCALL
                         : "=a"(ret)
                         : "a"(rax), "b"(p1), "c"(p2), "d"(p3), "S"(p4)
                         : "memory");
    else
        __asm__ volatile(KVM_HYPERCALL_VMCALL
                         : "=a"(ret)
                         : "a"(rax), "b"(p1), "c"(p2), "d"(p3), "S"(p4)
                         : "memory");
    return ret;
}

/* ---- Detection ---- */

static inline void kvm_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *eax, uint32_t *ebx,
                             uint32_t *ecx, uint32_t *edx)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaf), "c"(subleaf));
    *eax = a;
    *ebx = b;
    *ecx = c;
    *edx = d;
}

/* The CPUID base of the KVM leaves (0x40000000, or a multiple of 0x100 above it when another
 * hypervisor's leaves come first), or 0 when no KVM signature is found. */
static inline uint32_t kvm_cpuid_base(void)
{
    uint32_t a, b, c, d;
    kvm_cpuid(1, 0, &a, &b, &c, &d);
    if (!(c & (1u << 31))) /* no hypervisor present */
        return 0;
    for (uint32_t base = KVM_CPUID_SIGNATURE; base < 0x40010000u; base += 0x100) {
        kvm_cpuid(base, 0, &a, &b, &c, &d);
        if (b == KVM_SIGNATURE_EBX && c == KVM_SIGNATURE_ECX && d == KVM_SIGNATURE_EDX)
            return base;
    }
    return 0;
}

static inline bool kvm_para_available(void)
{
    return kvm_cpuid_base() != 0;
}

/* KVM_CPUID_FEATURES.EAX (0 when KVM is not there). */
static inline unsigned int kvm_arch_para_features(void)
{
    uint32_t base = kvm_cpuid_base(), a, b, c, d;
    if (base == 0)
        return 0;
    kvm_cpuid(base | KVM_CPUID_FEATURES, 0, &a, &b, &c, &d);
    return a;
}

/* KVM_CPUID_FEATURES.EDX (hints). */
static inline unsigned int kvm_arch_para_hints(void)
{
    uint32_t base = kvm_cpuid_base(), a, b, c, d;
    if (base == 0)
        return 0;
    kvm_cpuid(base | KVM_CPUID_FEATURES, 0, &a, &b, &c, &d);
    return d;
}

static inline bool kvm_para_has_feature(unsigned int feature)
{
    return (kvm_arch_para_features() >> feature) & 1u;
}

#endif
