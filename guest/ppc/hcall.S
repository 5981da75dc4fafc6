/* The ePAPR hypercall stub epapr_paravirt_init patches from the device tree, an unpatched copy,
 * and epapr_hypercall_at, which loads r3..r11, calls a stub and stores r4..r11. */
#include "asm.h"

    .text
    .balign 16
    .globl epapr_hypercall_start
epapr_hypercall_start:
    li r3, -1
    nop
    nop
    nop
    blr

    .balign 16
    .globl epapr_unpatched_start
epapr_unpatched_start:
    li r3, -1
    nop
    nop
    nop
    blr

/* unsigned long epapr_hypercall_at(const uint32_t *entry, unsigned long token,
 *                                  const unsigned long in[8], unsigned long out[8]) */
#define LOCALS (HDR + 16)
FUNC_START(epapr_hypercall_at)
    mflr r0
    STL r0, LRSAVE(r1)
    STLU r1, -LOCALS(r1)
    STL r6, HDR(r1)
    mtctr r3
    mr r11, r4
    mr r12, r5
    LL r3, 0 * SZL(r12)
    LL r4, 1 * SZL(r12)
    LL r5, 2 * SZL(r12)
    LL r6, 3 * SZL(r12)
    LL r7, 4 * SZL(r12)
    LL r8, 5 * SZL(r12)
    LL r9, 6 * SZL(r12)
    LL r10, 7 * SZL(r12)
    bctrl
    LL r12, HDR(r1)
    STL r4, 0 * SZL(r12)
    STL r5, 1 * SZL(r12)
    STL r6, 2 * SZL(r12)
    STL r7, 3 * SZL(r12)
    STL r8, 4 * SZL(r12)
    STL r9, 5 * SZL(r12)
    STL r10, 6 * SZL(r12)
    STL r11, 7 * SZL(r12)
    addi r1, r1, LOCALS
    LL r0, LRSAVE(r1)
    mtlr r0
    blr

    .section .note.GNU-stack, "", @progbits
