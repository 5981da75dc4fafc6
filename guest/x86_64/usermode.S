/* x86-64 guest CPL-3 entry and exit: iretq into user code, return through a DPL-3 gate. */

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x23
#define SEL_UDATA 0x2B
#define VEC_USER_EXIT 0x80

    .text
/* uint64_t x86_enter_user(uint64_t (*fn)(uint64_t) = rdi, uint64_t arg = rsi,
 *                         uint64_t user_rsp = rdx) */
    .globl x86_enter_user
    .type x86_enter_user, @function
x86_enter_user:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, x86_user_kernel_rsp(%rip)
    /* fn returns into the exit stub: a return address on the user stack. */
    subq $8, %rdx
    leaq x86_user_exit_stub(%rip), %rax
    movq %rax, (%rdx)
    movl $SEL_UDATA, %eax       /* usable data segments for user code (compatibility mode) */
    movl %eax, %ds
    movl %eax, %es
    pushq $SEL_UDATA            /* SS */
    pushq %rdx                  /* RSP */
    pushq $0x2                  /* RFLAGS: IF = 0, IOPL = 0 */
    pushq $SEL_UCODE            /* CS */
    pushq %rdi                  /* RIP */
    movq %rsi, %rdi             /* fn's argument */
    xorl %eax, %eax             /* nothing of the kernel's leaks into user registers */
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    iretq
    .size x86_enter_user, . - x86_enter_user

/* Where x86_user_return makes the handler's iretq land: CPL 0, RSP = x86_user_kernel_rsp,
 * RAX = the value. */
    .globl x86_user_resume
    .type x86_user_resume, @function
x86_user_resume:
    movq x86_user_kernel_rsp(%rip), %rsp
    movl $SEL_KDATA, %ecx
    movl %ecx, %ds
    movl %ecx, %es
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size x86_user_resume, . - x86_user_resume

    .section .user.text, "ax", @progbits
    .globl x86_user_exit_stub
    .type x86_user_exit_stub, @function
x86_user_exit_stub:
    int $VEC_USER_EXIT          /* RAX = fn's return value */
    ud2                         /* not reached */
    .size x86_user_exit_stub, . - x86_user_exit_stub

    .section .user.data, "aw", @progbits
    .balign 16
    .globl x86_user_stack
x86_user_stack:
    .skip 16384
    .size x86_user_stack, . - x86_user_stack

    .bss
    .balign 8
    .globl x86_user_kernel_rsp
x86_user_kernel_rsp:
    .skip 8

    .section .note.GNU-stack, "", @progbits
