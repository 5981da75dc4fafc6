/* regs_probe(token, out[32]): set every GPR but r1/r2 to a pattern, call the patched hypercall
 * stub with r11 = token and r4 = garbage, store all GPRs after it (r1 stored as 0). */
#include "asm.h"

#define SAVE(n) (HDR + ((n) - 13) * SZL) /* r13..r31 */
#define OUTP    (HDR + 19 * SZL)
#define TOCSAVE (HDR + 20 * SZL)
#define TMP     (HDR + 21 * SZL)
#define LOCALS  ((HDR + 22 * SZL + 15) & ~15)

    .text
FUNC_START(regs_probe)
    mflr r0
    STL r0, LRSAVE(r1)
    STLU r1, -LOCALS(r1)
    .irp n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    STL r\n, SAVE(\n)(r1)
    .endr
    STL r4, OUTP(r1)
    STL r2, TOCSAVE(r1)
    mr r11, r3
    LOAD_ADDR(r12, epapr_hypercall_start)
    mtctr r12
    li r0, 0x100
    li r3, 0
    li r4, -0x1234
    .irp n, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    li r\n, 0x100 + \n
    .endr
    bctrl
    STL r31, TMP(r1)
    LL r31, OUTP(r1)
    .irp n, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
    STL r\n, \n * SZL(r31)
    .endr
    LL r0, TMP(r1)
    STL r0, 31 * SZL(r31)
    li r0, 0
    STL r0, 1 * SZL(r31)
    LL r2, TOCSAVE(r1)
    .irp n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    LL r\n, SAVE(\n)(r1)
    .endr
    addi r1, r1, LOCALS
    LL r0, LRSAVE(r1)
    mtlr r0
    blr

    .section .note.GNU-stack, "", @progbits
