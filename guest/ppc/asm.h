/* Assembly helpers shared by the ppc (32-bit) and ppc64 (ELFv1) guest SDK: widths, frames, the
 * trap-frame offsets of struct ppc_regs, absolute addresses and C-callable function entries. */
#ifndef GUEST_PPC_ASM_H
#define GUEST_PPC_ASM_H

/* Assembler syntax (sym@ha, .quad .L.name) that clang-format would break: */
/* clang-format off */

#ifdef __powerpc64__
#define LL      ld
#define STL     std
#define STLU    stdu
#define SZL     8
#define RFI     rfid
#define HDR     112 /* ELFv1 frame header + parameter save area */
#define REDZONE 288 /* the ABI's protected zone below r1 that leaf code may use */
#define LRSAVE  16
#else
#define LL      lwz
#define STL     stw
#define STLU    stwu
#define SZL     4
#define RFI     rfi
#define HDR     16
#define REDZONE 0
#define LRSAVE  4
#endif

/* struct ppc_regs (include/guest/ppc/ppc.h) right above the frame header. */
#define R_GPR(n) (HDR + (n) * SZL)
#define R_LR     (HDR + 32 * SZL)
#define R_CTR    (HDR + 33 * SZL)
#define R_CR     (HDR + 34 * SZL)
#define R_XER    (HDR + 35 * SZL)
#define R_SRR0   (HDR + 36 * SZL)
#define R_SRR1   (HDR + 37 * SZL)
#define R_DAR    (HDR + 38 * SZL)
#define R_DSISR  (HDR + 39 * SZL)
#define R_VEC    (HDR + 40 * SZL)
#define FRAME    ((HDR + 41 * SZL + 15) & ~15)

#define PPC_ENTRY_STATE 0x3E00

#ifdef __powerpc64__
#define LOAD_ADDR(r, sym)                                                                          \
    lis r, sym@highest;                                                                            \
    ori r, r, sym@higher;                                                                          \
    rldicr r, r, 32, 31;                                                                           \
    oris r, r, sym@h;                                                                              \
    ori r, r, sym@l
#define LOAD_TOC LOAD_ADDR(r2, .TOC.)
#define CALL(f)                                                                                    \
    bl f;                                                                                          \
    nop
/* An ELFv1 function: the descriptor in .opd under the name, the code under .L.name. */
#define FUNC_START(name)                                                                           \
    .section ".opd", "aw";                                                                         \
    .balign 8;                                                                                     \
    .globl name;                                                                                   \
    name:                                                                                          \
    .quad .L.name, .TOC.@tocbase, 0;                                                              \
    .previous;                                                                                     \
    .type name, @function;                                                                         \
    .L.name:
#else
#define LOAD_ADDR(r, sym)                                                                          \
    lis r, sym@ha;                                                                                 \
    addi r, r, sym@l
#define LOAD_TOC
#define CALL(f) bl f
#define FUNC_START(name)                                                                           \
    .globl name;                                                                                   \
    .type name, @function;                                                                         \
    name:
#endif

/* clang-format on */
#endif
