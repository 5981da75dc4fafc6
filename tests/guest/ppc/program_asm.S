/* Instructions that raise program, floating-point-unavailable and machine-check interrupts, each
 * the first instruction of a function (the handler skips it; the function then returns). */
#include "asm.h"

    .text
FUNC_START(prog_illegal)
    .long 0                 /* primary opcode 0: illegal */
    blr
FUNC_START(prog_trap)
    tw 31, 0, 0             /* trap always */
    blr
FUNC_START(prog_mfmsr)
    mfmsr r3                /* privileged in problem state */
    blr
FUNC_START(prog_fadd)
    fadd f1, f2, f3         /* floating point with MSR[FP] = 0 */
    blr
FUNC_START(prog_bad_spr)
    mfspr r3, 900           /* no SPR 900: illegal (spr[0] = 0) */
    blr
/* unsigned long mcheck_load(unsigned long addr): a load from addr */
FUNC_START(mcheck_load)
    lwz r3, 0(r3)
    blr
/* void jump_to(unsigned long addr): branch there */
FUNC_START(jump_to)
    mtctr r3
    bctr
/* void mcheck_store(unsigned long addr) */
FUNC_START(mcheck_store)
    stw r3, 0(r3)
    blr

    .section .note.GNU-stack, "", @progbits
