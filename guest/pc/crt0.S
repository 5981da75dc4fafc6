/* Entry of 32-bit PC guest kernels: the multiboot header, a stack, then pc_main(EAX, EBX). */
    .section .multiboot, "a"
    .align 4
    .long 0x1BADB002            /* magic */
    .long 0x00000003            /* flags: page-aligned modules, memory information */
    .long -(0x1BADB002 + 0x3)   /* checksum */

    /* PVH entry point note (XEN_ELFNOTE_PHYS32_ENTRY): the same entry, EBX = hvm_start_info. */
    .section .note.pvh, "a"
    .align 4
    .long 4                     /* namesz */
    .long 4                     /* descsz */
    .long 18                    /* type: XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long _start

    .section .text.entry, "ax"
    .code32
    .globl _start
_start:
    mov $stack_top, %esp
    push %ebx
    push %eax
    call pc_main
    push %eax
    call guest_exit
1:  hlt
    jmp 1b

    .section .bss
    .align 16
    .space 16384
stack_top:
    .section .note.GNU-stack,"",@progbits
