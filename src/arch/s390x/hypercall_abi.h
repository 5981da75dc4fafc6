/* The s390 DIAGNOSE hypercall ABI as pure functions: instruction decoding, the function code, the
 * register mapping of DIAGNOSE 0x500 (r1 subcode, r2..r7 arguments, result in r2). */
#ifndef SOFTKVM_ARCH_S390X_HYPERCALL_ABI_H
#define SOFTKVM_ARCH_S390X_HYPERCALL_ABI_H

#include "softkvm/hypercall.h"

#define S390_DIAG_OPCODE 0x83
#define S390_DIAG_KVM    0x500 /* the KVM hypercall function code */
#define S390_DIAG_NARGS  6     /* r2..r7 */

/* The fields of DIAGNOSE, RS-a format: 83 R1R3 B2D2 D2D2. */
struct s390_diag {
    uint8_t r1, r3, b2;
    uint16_t d2; /* 12-bit displacement */
};

/* Decode the 4 bytes at a DIAGNOSE site. Returns false (d untouched) when b[0] is not 0x83. */
bool s390_diag_decode(const uint8_t b[4], struct s390_diag *d);

/* The function code as KVM computes it: the low 16 bits of (B2 ? gpr[B2] : 0) + D2 (the second
 * operand address, which addresses no storage). QEMU under TCG uses the raw B2D2 halfword
 * instead; softkvm follows KVM. */
uint16_t s390_diag_code(const struct s390_diag *d, const uint64_t gpr[16]);

/* Fill call for DIAGNOSE 0x500 from the general registers and the PSW mask (only gpr[1..7] are
 * read): nr = r1 (all 64 bits, as KVM reads it), args[0..5] = r2..r7, the others 0, op_64bit =
 * 64-bit addressing mode, cpl = 3 in problem state, 0 in supervisor state. No truncation in 24- or
 * 31-bit mode: the registers are 64-bit whatever the addressing mode. */
void s390_hc_make_call(const uint64_t gpr[16], uint64_t psw_mask, struct hc_call *call);

/* The value r2 holds after the call: res->ret, or old_r2 when the handler asked to leave the
 * result register alone (res->leave_ret). */
uint64_t s390_hc_r2(const struct hc_result *res, uint64_t old_r2);

#endif
