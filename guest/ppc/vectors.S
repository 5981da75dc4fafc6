/* Exception vectors at physical 0 (ppc and ppc64): each saves the registers into a struct ppc_regs
 * on the current stack (below the ABI's protected zone) and calls ppc_trap_dispatch; the entry
 * state crt0 saves lives in this area too. */
#include "asm.h"

#define VEC(off)                                                                                   \
    .org off;                                                                                      \
    STLU r1, -(FRAME + REDZONE)(r1);                                                               \
    STL r3, R_GPR(3)(r1);                                                                          \
    li r3, off;                                                                                    \
    b ppc_exc_common

    .section .vectors, "awx", @progbits
    .globl ppc_vectors
ppc_vectors:
    VEC(0x100)
    VEC(0x200)
    VEC(0x300)
    VEC(0x380)
    VEC(0x400)
    VEC(0x480)
    VEC(0x500)
    VEC(0x600)
    VEC(0x700)
    VEC(0x800)
    VEC(0x900)
    VEC(0xA00)
    VEC(0xB00)
    VEC(0xC00)
    VEC(0xD00)
    VEC(0xE00)
    VEC(0xF00)
    VEC(0xF20)
    VEC(0xF40)
    VEC(0xF60)
    VEC(0x1000)
    VEC(0x1100)
    VEC(0x1200)
    VEC(0x1300)
    VEC(0x1400)
    VEC(0x1500)
    VEC(0x1600)
    VEC(0x1700)

    .org PPC_ENTRY_STATE
    .globl ppc_entry_state
ppc_entry_state:
    .space 33 * SZL
    .org 0x4000

    .text
    .globl ppc_exc_common
ppc_exc_common:
    STL r3, R_VEC(r1)
    STL r0, R_GPR(0)(r1)
    addi r0, r1, FRAME + REDZONE
    STL r0, R_GPR(1)(r1)
    STL r2, R_GPR(2)(r1)
    .irp n, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    STL r\n, R_GPR(\n)(r1)
    .endr
    mflr r0
    STL r0, R_LR(r1)
    mfctr r0
    STL r0, R_CTR(r1)
    mfcr r0
    STL r0, R_CR(r1)
    mfxer r0
    STL r0, R_XER(r1)
    mfsrr0 r0
    STL r0, R_SRR0(r1)
    mfsrr1 r0
    STL r0, R_SRR1(r1)
    mfdar r0
    STL r0, R_DAR(r1)
    mfdsisr r0
    STL r0, R_DSISR(r1)
    LOAD_TOC
    addi r3, r1, HDR
    CALL(ppc_trap_dispatch)
    LL r0, R_SRR0(r1)
    mtsrr0 r0
    LL r0, R_SRR1(r1)
    mtsrr1 r0
    LL r0, R_LR(r1)
    mtlr r0
    LL r0, R_CTR(r1)
    mtctr r0
    LL r0, R_CR(r1)
    mtcrf 0xff, r0
    LL r0, R_XER(r1)
    mtxer r0
    LL r0, R_GPR(0)(r1)
    LL r2, R_GPR(2)(r1)
    .irp n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    LL r\n, R_GPR(\n)(r1)
    .endr
    LL r1, R_GPR(1)(r1)
    RFI

    .section .note.GNU-stack, "", @progbits
