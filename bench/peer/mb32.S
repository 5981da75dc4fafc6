/* Multiboot entry for QEMU's -kernel: from 32-bit protected mode (paging off) into 64-bit
 * mode with RAM identity-mapped in 2 MiB pages (the first GiB), as softkvm starts the guest,
 * then the same 64-bit entry. */
    .section .text.multiboot, "ax", @progbits
    .balign 4
multiboot_header:
    .long 0x1BADB002            /* magic */
    .long 0                     /* flags: nothing needed from the loader */
    .long -0x1BADB002           /* checksum: magic + flags + checksum = 0 */

    .code32
    .globl mb32_start
    .type mb32_start, @function
mb32_start:
    cli
    movl $mb_pdpt + 3, mb_pml4
    movl $mb_pd + 3, mb_pdpt
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax             /* present, writable, 2 MiB page */
    movl %eax, mb_pd(, %ecx, 8)
    movl $0, mb_pd + 4(, %ecx, 8)
    incl %ecx
    cmpl $512, %ecx
    jb 1b
    movl $mb_pml4, %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $0x20, %eax             /* PAE */
    movl %eax, %cr4
    movl $0xC0000080, %ecx      /* EFER.LME */
    rdmsr
    orl $0x100, %eax
    wrmsr
    movl %cr0, %eax
    orl $0x80000001, %eax       /* PG, PE */
    movl %eax, %cr0
    lgdt mb_gdt_desc
    ljmp $0x08, $mb64
    .code64
mb64:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    jmp _start
    .size mb32_start, . - mb32_start

    .section .rodata
    .balign 8
mb_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF    /* 0x08: 64-bit code, DPL 0 */
    .quad 0x00CF92000000FFFF    /* 0x10: data */
mb_gdt_desc:
    .word mb_gdt_desc - mb_gdt - 1
    .long mb_gdt

    .section .bss
    .balign 4096
mb_pml4: .skip 4096
mb_pdpt: .skip 4096
mb_pd:   .skip 4096

    .section .note.GNU-stack, "", @progbits
