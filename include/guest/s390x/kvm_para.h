/* KVM paravirtual interface for s390x guests: DIAGNOSE 0x500 hypercalls and their subcodes.
 * Register conventions as Linux's: r1 = subcode, r2..r7 = arguments 1..6, result in r2; the
 * condition code is declared clobbered, every other register is preserved. */
#ifndef GUEST_S390X_KVM_PARA_H
#define GUEST_S390X_KVM_PARA_H

#include <stdbool.h>
#include "softkvm/kvm_abi.h"

/* ---- DIAGNOSE 0x500 subcodes (r1) ---- */

/* ---- Return codes (returned negated in r2) ---- */

static inline long kvm_hypercall0(unsigned long nr)
{
    register unsigned long r1 __asm__("1") = nr;
    register long r2 __asm__("2");
    __asm__ volatile("diag 2,4,0x500" : "=d"(r2) : "d"(r1) : "memory", "cc");
    return r2;
}

static inline long kvm_hypercall1(unsigned long nr, unsigned long p1)
{
    register unsigned long r1 __asm__("1") = nr;
    register long r2 __asm__("2") = (long)p1;
    __asm__ volatile("diag 2,4,0x500" : "+d"(r2) : "d"(r1) : "memory", "cc");
    return r2;
}

static inline long kvm_hypercall2(unsigned long nr, unsigned long p1, unsigned long p2)
{
    register unsigned long r1 __asm__("1") = nr;
    register long r2 __asm__("2") = (long)p1;
    register unsigned long r3 __asm__("3") = p2;
    __asm__ volatile("diag 2,4,0x500" : "+d"(r2) : "d"(r1), "d"(r3) : "memory", "cc");
    return r2;
}

static inline long kvm_hypercall3(unsigned long nr, unsigned long p1, unsigned long p2,
                                  unsigned long p3)
{
    register unsigned long r1 __asm__("1") = nr;
    register long r2 __asm__("2") = (long)p1;
    register unsigned long r3 __asm__("3") = p2;
    register unsigned long r4 __asm__("4") = p3;
    __asm__ volatile("diag 2,4,0x500" : "+d"(r2) : "d"(r1), "d"(r3), "d"(r4) : "memory", "cc");
    return r2;
}

static inline long kvm_hypercall4(unsigned long nr, unsigned long p1, unsigned long p2,
                                  unsigned long p3, unsigned long p4)
{
    register unsigned long r1 __asm__("1") = nr;
    register long r2 __asm__("2") = (long)p1;
    register unsigned long r3 __asm__("3") = p2;
    register unsigned long r4 __asm__("4") = p3;
    register unsigned long r5 __asm__("5") = p4;
    __asm__ volatile("diag 2,4,0x500"
                     : "+d"(r2)
                     : "d"(r1), "d"(r3), "d"(r4), "d"(r5)
                     : "memory", "cc");
    return r2;
}

static inline long kvm_hypercall5(unsigned long nr, unsigned long p1, unsigned long p2,
                                  unsigned long p3, unsigned long p4, unsigned long p5)
{
    register unsigned long r1 __asm__("1") = nr;
    register long r2 __asm__("2") = (long)p1;
    register unsigned long r3 __asm__("3") = p2;
    register unsigned long r4 __asm__("4") = p3;
    register unsigned long r5 __asm__("5") = p4;
    register unsigned long r6 __asm__("6") = p5;
    __asm__ volatile("diag 2,4,0x500"
                     : "+d"(r2)
                     : "d"(r1), "d"(r3), "d"(r4), "d"(r5), "d"(r6)
                     : "memory", "cc");
    return r2;
}

static inline long kvm_hypercall6(unsigned long nr, unsigned long p1, unsigned long p2,
                                  unsigned long p3, unsigned long p4, unsigned long p5,
                                  unsigned long p6)
{
    register unsigned long r1 __asm__("1") = nr;
    register long r2 __asm__("2") = (long)p1;
    register unsigned long r3 __asm__("3") = p2;
    register unsigned long r4 __asm__("4") = p3;
    register unsigned long r5 __asm__("5") = p4;
    register unsigned long r6 __asm__("6") = p5;
    register unsigned long r7 __asm__("7") = p6;
    __asm__ volatile("diag 2,4,0x500"
                     : "+d"(r2)
                     : "d"(r1), "d"(r3), "d"(r4), "d"(r5), "d"(r6), "d"(r7)
                     : "memory", "cc");
    return r2;
}

/* KVM on s390 has no detection: the interface is always there, and no feature bits exist. */
static inline bool kvm_para_available(void)
{
    return true;
}

static inline unsigned int kvm_arch_para_features(void)
{
    return 0;
}

#endif
