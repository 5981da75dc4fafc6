/* Problem state: ppc_enter_user saves the supervisor context and rfi's into fn(arg) with MSR[PR];
 * a handler's ppc_user_return sends the vCPU to ppc_user_resume, which restores it. */
#include "asm.h"

#define CTX_LR   0
#define CTX_R1   (1 * SZL)
#define CTX_R2   (2 * SZL)
#define CTX_CR   (3 * SZL)
#define CTX_GPR(n) ((4 + (n) - 13) * SZL)
#define CTX_MSR  (23 * SZL)

/* long ppc_enter_user(long (*fn)(long), long arg, void *stack_top, bool translate) */
FUNC_START(ppc_enter_user)
    mflr r0
    LOAD_ADDR(r7, ppc_user_ctx)
    STL r0, CTX_LR(r7)
    STL r1, CTX_R1(r7)
    STL r2, CTX_R2(r7)
    mfcr r0
    STL r0, CTX_CR(r7)
    .irp n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    STL r\n, CTX_GPR(\n)(r7)
    .endr
    mfmsr r8
    STL r8, CTX_MSR(r7)
    ori r8, r8, 0x4000          /* MSR[PR] */
    cmpwi r6, 0
    beq 1f
    ori r8, r8, 0x30            /* MSR[IR] | MSR[DR] */
1:
#ifdef __powerpc64__
    ld r9, 0(r3)                /* the descriptor: entry, TOC */
    ld r2, 8(r3)
#else
    mr r9, r3
#endif
    mtsrr0 r9
    mtsrr1 r8
    addi r1, r5, -HDR
    li r0, 0
    STL r0, 0(r1)
    mr r3, r4
    LOAD_ADDR(r9, ppc_user_exit)
    mtlr r9
    RFI

    .globl ppc_user_exit
ppc_user_exit:                  /* problem state: fn returned r3 */
    sc
    b ppc_user_exit

    .globl ppc_user_resume
ppc_user_resume:                /* supervisor again, r3 = the value */
    LOAD_ADDR(r7, ppc_user_ctx)
    LL r0, CTX_LR(r7)
    mtlr r0
    LL r1, CTX_R1(r7)
    LL r2, CTX_R2(r7)
    LL r0, CTX_CR(r7)
    mtcrf 0xff, r0
    .irp n, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    LL r\n, CTX_GPR(\n)(r7)
    .endr
    blr

    .section .bss
    .balign 16
    .globl ppc_user_ctx
ppc_user_ctx:
    .space 24 * SZL

    .section .note.GNU-stack, "", @progbits
