/* x86-64 guest compatibility-mode call: far return into 32-bit code, then back to 64-bit mode. */

#define SEL_KCODE   0x08
#define SEL_KDATA   0x10
#define SEL_KCODE32 0x18

    .text
/* void x86_compat_call(uint32_t entry32 = edi, struct x86_compat_regs *regs = rsi)
 * regs: rax 0, rbx 8, rcx 16, rdx 24, rsi 32, rdi 40, rbp 48. */
    .globl x86_compat_call
    .type x86_compat_call, @function
x86_compat_call:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movl %edi, compat_entry(%rip)
    movq %rsi, compat_regs(%rip)
    /* Compatibility mode uses DS and SS for real: make them the flat kernel data segment
     * (B = 1, so the stack is 32-bit). */
    movl $SEL_KDATA, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movq 0(%rsi), %rax
    movq 8(%rsi), %rbx
    movq 16(%rsi), %rcx
    movq 24(%rsi), %rdx
    movq 40(%rsi), %rdi
    movq 48(%rsi), %rbp
    movq 32(%rsi), %rsi
    pushq $SEL_KCODE32
    pushq $compat_enter
    lretq                       /* to 32-bit code: CS.L = 0, CS.D = 1 */

    .code32
compat_enter:
    call *compat_entry          /* absolute indirect: the 32-bit routine */
    pushl $SEL_KCODE
    pushl $compat_leave
    lret                        /* 32-bit far return: EIP, then CS */

    .code64
compat_leave:
    pushq %rsi
    movq compat_regs(%rip), %rsi
    movq %rax, 0(%rsi)
    movq %rbx, 8(%rsi)
    movq %rcx, 16(%rsi)
    movq %rdx, 24(%rsi)
    movq %rdi, 40(%rsi)
    movq %rbp, 48(%rsi)
    popq %rax
    movq %rax, 32(%rsi)
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size x86_compat_call, . - x86_compat_call

    .bss
    .balign 8
compat_entry:
    .skip 8
compat_regs:
    .skip 8

    .section .note.GNU-stack, "", @progbits
