/* PowerPC guest entry (ppc and ppc64): save the ePAPR entry state without a scratch register,
 * switch to a .bss stack, then ppc_start(device tree) sets up the SDK and runs kmain. */
#include "asm.h"

    .section .text.entry, "ax", @progbits
    .globl _start
_start:
    /* D-form stores with rA = 0 address PPC_ENTRY_STATE absolutely: no register is touched. */
#ifdef __powerpc64__
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    std r\n, PPC_ENTRY_STATE + \n * 8(0)
    .endr
#else
    stmw r0, PPC_ENTRY_STATE(0)
#endif
    mfmsr r0
    STL r0, PPC_ENTRY_STATE + 32 * SZL(0)
    LOAD_ADDR(r1, boot_stack_top)
    li r0, 0
    STLU r0, -HDR(r1)
    LOAD_TOC
    LL r3, PPC_ENTRY_STATE + 3 * SZL(0)
    CALL(ppc_start)
1:  b 1b

    .section .bss
    .balign 16
boot_stack:
    .space 65536
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
