/* Every general register set to a pattern around one DIAGNOSE 0x500 (subcode 4), the condition
 * code set by TEST UNDER MASK before it; the registers and condition code after it are returned.
 *
 *   void diag_regs_probe(uint64_t out[16], uint64_t *cc, unsigned tm_mask_select);
 *   tm_mask_select 0: condition code 1 before the call; 1: condition code 3. */

    .text
    .globl diag_regs_probe
    .type diag_regs_probe, @function
diag_regs_probe:
    stmg %r6, %r15, 48(%r15)
    larl %r1, probe_save
    stg %r15, 0(%r1)
    stg %r2, 8(%r1)
    stg %r3, 16(%r1)
    mvi 0x2a0, 0x0f                 /* the byte TM looks at (lowcore scratch, base 0) */
    ltgr %r4, %r4
    jnz cc3
    larl %r1, diag_regs_in
    lmg %r0, %r15, 0(%r1)
    tm 0x2a0, 0x3c                  /* mixed: condition code 1 */
    .globl diag_regs_site1
diag_regs_site1:
    diag %r2, %r4, 0x500
    j done
cc3:
    larl %r1, diag_regs_in
    lmg %r0, %r15, 0(%r1)
    tm 0x2a0, 0x0f                  /* all ones: condition code 3 */
    .globl diag_regs_site2
diag_regs_site2:
    diag %r2, %r4, 0x500
done:
    stmg %r0, %r15, 0x200           /* every register after the call, no base register */
    ipm %r0
    larl %r1, probe_save
    lg %r15, 0(%r1)
    lg %r2, 8(%r1)
    mvc 0(128, %r2), 0x200
    srl %r0, 28
    nill %r0, 3
    llgfr %r0, %r0
    lg %r3, 16(%r1)
    stg %r0, 0(%r3)
    lmg %r6, %r15, 48(%r15)
    br %r14
    .size diag_regs_probe, . - diag_regs_probe

    .data
    .balign 8
    .globl diag_regs_in
diag_regs_in:
    .quad 0x0000000000000000, 4 /* r0, r1 = DIAG500_STORAGE_LIMIT */
    .quad 0x2222222222222222, 0x3333333333333333, 0x4444444444444444, 0x5555555555555555
    .quad 0x6666666666666666, 0x7777777777777777, 0x8888888888888888, 0x9999999999999999
    .quad 0xAAAAAAAAAAAAAAAA, 0xBBBBBBBBBBBBBBBB, 0xCCCCCCCCCCCCCCCC, 0xDDDDDDDDDDDDDDDD
    .quad 0xEEEEEEEEEEEEEEEE, 0xFFFFFFFFFFFFFFF0
probe_save:
    .quad 0, 0, 0

    .section .note.GNU-stack, "", @progbits
