/* x86-64 guest ISR stubs: one 16-byte stub per vector pushing a uniform frame for trap_dispatch. */

    .text
    .balign 16
    .globl x86_isr_stubs
x86_isr_stubs:
    .set vec, 0
    .rept 256
    .balign 16
    /* Vectors for which the CPU pushes an error code: 8, 10-14, 17, 21, 29, 30. */
    .if !((vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) \
          || (vec == 29) || (vec == 30))
    pushq $0                    /* dummy error code */
    .endif
    pushq $vec
    jmp isr_common
    .set vec, vec + 1
    .endr
/* Each stub is at most 12 bytes (push imm8 2 + push imm32 5 + jmp rel32 5), so the .balign 16
 * puts stub v at x86_isr_stubs + 16 * v. */

/* Stack here (growing down): SS, RSP, RFLAGS, CS, RIP, error code, vector. */
isr_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi             /* struct trap_frame * */
    movq %rsp, %rbx             /* callee-saved: the frame, whatever alignment the CPU gave */
    andq $-16, %rsp
    call trap_dispatch
    movq %rbx, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp              /* vector and error code */
    iretq

/* void x86_safe_halt(void): STI;HLT with a known HLT address (see x86.h). */
    .globl x86_safe_halt
    .type x86_safe_halt, @function
x86_safe_halt:
    sti
    .globl x86_safe_halt_hlt
x86_safe_halt_hlt:
    hlt
    ret
    .size x86_safe_halt, . - x86_safe_halt

    .section .note.GNU-stack, "", @progbits
