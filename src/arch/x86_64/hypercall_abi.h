/* The x86 KVM hypercall ABI as pure functions: instruction decoding, register mapping, width. */
#ifndef SOFTKVM_ARCH_X86_HYPERCALL_ABI_H
#define SOFTKVM_ARCH_X86_HYPERCALL_ABI_H

#include "softkvm/hypercall.h"
#include "softkvm/kvm_abi.h"

enum x86_hc_insn { X86_HC_NONE = 0, X86_HC_VMCALL, X86_HC_VMMCALL };

/* Which hypercall instruction the 3 bytes are: VMCALL 0F 01 C1, VMMCALL 0F 01 D9, or none. */
enum x86_hc_insn x86_hc_decode(const uint8_t bytes[3]);

/* The 3 bytes of the given instruction (X86_HC_VMCALL or X86_HC_VMMCALL). */
void x86_hc_encode(enum x86_hc_insn insn, uint8_t bytes[3]);

/* v as a caller in the given mode sees it: truncated to 32 bits when not in 64-bit mode. */
uint64_t x86_hc_width(uint64_t v, bool mode64);

/* Fill call from RAX, RBX, RCX, RDX, RSI (gpr[0..4]). A caller not in 64-bit mode has the
 * number and every argument truncated to 32 bits, as KVM does. */
void x86_hc_make_call(const uint64_t gpr[5], bool mode64, unsigned cpl, struct hc_call *call);

/* The value KVM writes to RAX for result ret: truncated to 32 bits (upper half zero) for a
 * caller not in 64-bit mode. */
uint64_t x86_hc_rax(int64_t ret, bool mode64);

#endif
