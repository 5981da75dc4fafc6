/* Guest test helper: a hypercall with all GPRs and RFLAGS loaded from a pattern, saved after. */

/* struct probe (see hypercall_regs.c): 16 GPRs in the order below, then rflags, rsp. */
#define P_RAX 0
#define P_RBX 8
#define P_RCX 16
#define P_RDX 24
#define P_RSI 32
#define P_RDI 40
#define P_RBP 48
#define P_R8 56
#define P_R9 64
#define P_R10 72
#define P_R11 80
#define P_R12 88
#define P_R13 96
#define P_R14 104
#define P_R15 112
#define P_RFLAGS 120
#define P_RSP 128

/* void NAME(void): loads probe_in (RFLAGS first, then the GPRs), records RSP and RFLAGS as they
 * are just before the instruction in probe_before, executes INSN, stores everything into
 * probe_out. Only RIP-relative memory operands are used, so no register is needed as a base. */
.macro PROBE name, insn
    .text
    .globl \name
    .type \name, @function
\name:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushq probe_in + P_RFLAGS(%rip)
    popfq
    movq probe_in + P_RAX(%rip), %rax
    movq probe_in + P_RBX(%rip), %rbx
    movq probe_in + P_RCX(%rip), %rcx
    movq probe_in + P_RDX(%rip), %rdx
    movq probe_in + P_RSI(%rip), %rsi
    movq probe_in + P_RDI(%rip), %rdi
    movq probe_in + P_RBP(%rip), %rbp
    movq probe_in + P_R8(%rip), %r8
    movq probe_in + P_R9(%rip), %r9
    movq probe_in + P_R10(%rip), %r10
    movq probe_in + P_R11(%rip), %r11
    movq probe_in + P_R12(%rip), %r12
    movq probe_in + P_R13(%rip), %r13
    movq probe_in + P_R14(%rip), %r14
    movq probe_in + P_R15(%rip), %r15
    movq %rsp, probe_before + P_RSP(%rip)
    pushfq
    popq probe_before + P_RFLAGS(%rip)
    \insn
    movq %rsp, probe_out + P_RSP(%rip)
    pushfq
    popq probe_out + P_RFLAGS(%rip)
    movq %rax, probe_out + P_RAX(%rip)
    movq %rbx, probe_out + P_RBX(%rip)
    movq %rcx, probe_out + P_RCX(%rip)
    movq %rdx, probe_out + P_RDX(%rip)
    movq %rsi, probe_out + P_RSI(%rip)
    movq %rdi, probe_out + P_RDI(%rip)
    movq %rbp, probe_out + P_RBP(%rip)
    movq %r8, probe_out + P_R8(%rip)
    movq %r9, probe_out + P_R9(%rip)
    movq %r10, probe_out + P_R10(%rip)
    movq %r11, probe_out + P_R11(%rip)
    movq %r12, probe_out + P_R12(%rip)
    movq %r13, probe_out + P_R13(%rip)
    movq %r14, probe_out + P_R14(%rip)
    movq %r15, probe_out + P_R15(%rip)
    pushq $0x2                  /* leave with a clean RFLAGS (DF clear for the C code) */
    popfq
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret
    .size \name, . - \name
.endm

    PROBE probe_vmcall, vmcall      /* 0F 01 C1 */
    PROBE probe_vmmcall, vmmcall    /* 0F 01 D9 */

    .bss
    .balign 16
    .globl probe_in, probe_before, probe_out
probe_in:
    .skip 136
probe_before:
    .skip 136
probe_out:
    .skip 136

    .section .note.GNU-stack, "", @progbits
