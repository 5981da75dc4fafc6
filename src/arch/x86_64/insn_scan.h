/* The x86 instruction-trap scanner: finds RDMSR, WRMSR and MOV to/from CR8 in a translated
 * block for the core's instruction traps (include/softkvm/insn_trap.h), with Capstone as the
 * instruction decoder. Pure; no engine calls. */
#ifndef SOFTKVM_ARCH_X86_INSN_SCAN_H
#define SOFTKVM_ARCH_X86_INSN_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "softkvm/insn_trap.h"

/* Site kinds (insn_site.kind). */
enum x86_site_kind {
    X86_SITE_RDMSR = 0, /* 0F 32 */
    X86_SITE_WRMSR = 1, /* 0F 30 */
    X86_SITE_CR8 = 2,   /* MOV to or from CR8: 0F 20 / 0F 22 with REX.R and reg 0 */
};

/* A decoder for the three code sizes (Capstone handles, opaque here) and the one in use. */
struct x86_scanner {
    size_t cs[3];  /* csh for 16-, 32- and 64-bit code */
    void *insn[3]; /* each handle's cs_insn, reused for every instruction */
    unsigned bits; /* the code size scans decode as: 16, 32 or 64 (64 after open) */
};

/* Open the decoders. Returns 0, or -ENOTSUP (Capstone refused) / -ENOMEM with nothing left
 * open. */
int x86_scanner_open(struct x86_scanner *s);

/* Close the decoders; safe on a zeroed or closed scanner. */
void x86_scanner_close(struct x86_scanner *s);

/* An insn_scan_fn; ctx is a struct x86_scanner. Decodes code[0 .. len) from guest address addr
 * as s->bits-bit code, instruction by instruction, and reports RDMSR, WRMSR and MOV to/from
 * CR8 with their length and kind (opcode bytes inside other instructions' immediates and
 * displacements are not instructions, so not reported). Stops at the first instruction that
 * does not decode or does not fit in len. Returns how many sites there are; at most max are
 * stored. */
size_t x86_scan_traps(void *ctx, const uint8_t *code, size_t len, uint64_t addr,
                      struct insn_site *sites, size_t max);

#endif
