/* Instructions that take program and SVC interruptions, each in a function the handler can
 * resume: after a suppressing exception the old PSW points at the following `br %r14`. */

    .text
    .macro probe name
    .globl \name\()_probe
    .type \name\()_probe, @function
\name\()_probe:
    .endm

    /* Operation exceptions of each length, condition code 3 set before (TM on a lowcore byte). */
    probe op2
    mvi 0x2a0, 0x0f
    tm 0x2a0, 0x0f
    .globl op2_at
op2_at:
    .short 0x0000                   /* 2-byte invalid opcode */
    br %r14

    probe op4
    .globl op4_at
op4_at:
    .long 0xb9ff0000                /* 4-byte invalid opcode */
    br %r14

    probe op6
    .globl op6_at
op6_at:
    .byte 0xe3, 0x00, 0x00, 0x00, 0x00, 0xff /* 6-byte invalid opcode */
    br %r14

    /* Specification: DIVIDE with an odd first register. */
    probe spec
    .globl spec_at
spec_at:
    .short 0x1d12                   /* dr %r1,%r2 */
    br %r14

    /* Addressing: a load and a store at the address in r2 (outside RAM). */
    probe addr_load
    .globl addr_load_at
addr_load_at:
    lg %r0, 0(%r2)
    br %r14

    probe addr_store
    .globl addr_store_at
addr_store_at:
    stg %r0, 0(%r2)
    br %r14

    /* SVC 42 from supervisor state. */
    probe svc
    .globl svc_at
svc_at:
    svc 42
    br %r14

    /* Problem state: LPSWE (privileged) and SVC 7. The handler sends the guest to
     * pstate_back, which returns. r1 selects: 0 lpswe, 1 svc. */
    probe pstate
    lgr %r1, %r2
    larl %r3, pstate_psw
    lpswe 0(%r3)
pstate_code:
    ltgr %r1, %r1
    jnz 1f
    .globl pstate_lpswe_at
pstate_lpswe_at:
    lpswe 0(%r3)
    j .
1:
    .globl pstate_svc_at
pstate_svc_at:
    svc 7
    j .
    .globl pstate_back
pstate_back:
    br %r14

    .section .rodata
    .balign 8
pstate_psw:
    .quad 0x0001000180000000, pstate_code

    .section .note.GNU-stack, "", @progbits
