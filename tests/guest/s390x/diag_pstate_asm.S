/* A DIAGNOSE 0x500 executed in problem state.
 *
 *   void pstate_diag_probe(void): loads a problem-state PSW at pstate_code, which sets r1 = 4,
 *   r2 = 99 and executes DIAGNOSE at pstate_diag. The program handler must send the guest back
 *   to pstate_return (supervisor state), which returns to the caller: the problem-state code
 *   changes only r1 and r2. */

    .text
    .globl pstate_diag_probe
    .type pstate_diag_probe, @function
pstate_diag_probe:
    larl %r1, pstate_psw
    lpswe 0(%r1)
    .globl pstate_code
pstate_code:
    lghi %r1, 4
    lghi %r2, 99
    .globl pstate_diag
pstate_diag:
    diag %r2, %r4, 0x500
    j pstate_diag                   /* never reached: the handler redirects */
    .globl pstate_return
pstate_return:
    br %r14
    .size pstate_diag_probe, . - pstate_diag_probe

    .section .rodata
    .balign 8
pstate_psw:
    .quad 0x0001000180000000, pstate_code   /* problem state, 64-bit */

    .section .note.GNU-stack, "", @progbits
