/* x86-64 guest entry: save the entry state, switch to a .bss stack, run kmain, exit with it. */

    .section .text.entry, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    /* Record the state softkvm handed over (struct x86_entry_state) before changing any of it. */
    movq %rax, x86_entry_state + 0(%rip)
    movq %rbx, x86_entry_state + 8(%rip)
    movq %rcx, x86_entry_state + 16(%rip)
    movq %rdx, x86_entry_state + 24(%rip)
    movq %rsi, x86_entry_state + 32(%rip)
    movq %rdi, x86_entry_state + 40(%rip)
    movq %rbp, x86_entry_state + 48(%rip)
    movq %rsp, x86_entry_state + 56(%rip)
    movq %r8, x86_entry_state + 64(%rip)
    movq %r9, x86_entry_state + 72(%rip)
    movq %r10, x86_entry_state + 80(%rip)
    movq %r11, x86_entry_state + 88(%rip)
    movq %r12, x86_entry_state + 96(%rip)
    movq %r13, x86_entry_state + 104(%rip)
    movq %r14, x86_entry_state + 112(%rip)
    movq %r15, x86_entry_state + 120(%rip)
    pushfq                                  /* uses 8 bytes of the boot stack */
    popq x86_entry_state + 128(%rip)
    movq %cr0, %rax
    movq %rax, x86_entry_state + 136(%rip)
    movq %cr2, %rax
    movq %rax, x86_entry_state + 144(%rip)
    movq %cr3, %rax
    movq %rax, x86_entry_state + 152(%rip)
    movq %cr4, %rax
    movq %rax, x86_entry_state + 160(%rip)
    movl $0xC0000080, %ecx                  /* IA32_EFER */
    rdmsr
    shlq $32, %rdx
    orq %rdx, %rax
    movq %rax, x86_entry_state + 168(%rip)
    movq %cs, %rax
    movq %rax, x86_entry_state + 176(%rip)
    movq %ds, %rax
    movq %rax, x86_entry_state + 184(%rip)
    movq %es, %rax
    movq %rax, x86_entry_state + 192(%rip)
    movq %ss, %rax
    movq %rax, x86_entry_state + 200(%rip)
    movq %fs, %rax
    movq %rax, x86_entry_state + 208(%rip)
    movq %gs, %rax
    movq %rax, x86_entry_state + 216(%rip)
    sgdt x86_entry_state + 224(%rip)
    sidt x86_entry_state + 240(%rip)
    xorl %eax, %eax
    strw %ax
    movq %rax, x86_entry_state + 256(%rip)

    /* RDI is the boot information block: keep it for kmain and in skvm_boot. */
    movq x86_entry_state + 40(%rip), %rdi
    movq %rdi, skvm_boot(%rip)
    leaq boot_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    call kmain
    movl %eax, %edi
    call guest_exit
1:  hlt
    jmp 1b
    .size _start, . - _start

    .section .bss
    .balign 16
    .globl x86_entry_state
    .type x86_entry_state, @object
x86_entry_state:
    .skip 272
    .size x86_entry_state, . - x86_entry_state

    .balign 4096
boot_stack:
    .skip 65536
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
