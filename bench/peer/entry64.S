/* The peer guest's 64-bit entry (softkvm's ELF64 enters here; the multiboot stub jumps here). */
    .section .text.entry64, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    leaq peer_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    call peer_main
1:  hlt
    jmp 1b
    .size _start, . - _start

    .section .bss
    .balign 16
    .skip 65536
peer_stack_top:

    .section .note.GNU-stack, "", @progbits
