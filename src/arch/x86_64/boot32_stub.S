/* softkvm's x86 firmware stub: from the engine's power-on state to a 32-bit protected-mode entry. */
/*
 * Copied into the pc board's firmware region and entered in the engine's power-on state
 * (IA-32e mode with paging off, EFER.LMA set: the only state Unicorn starts in) with
 *   RDX = CR3 of a page table that identity-maps the stub, RSP = a stack in the firmware,
 *   RBX = EBX for the kernel, RDI = EAX for the kernel, RSI = the kernel's 32-bit entry,
 *   GDTR = softkvm's GDT (0x08: flat 32-bit code, 0x10: flat 32-bit data).
 * EFER.LMA can only be cleared by turning paging off in compatibility mode, so the stub turns
 * paging on, far-returns to the 32-bit code segment, turns paging, LME and PAE off, loads flat
 * data segments and jumps to the kernel with EAX/EBX set, CR3 = 0, interrupts off.
 * Position independent: softkvm copies the bytes between the two symbols.
 */
    .section .rodata
    .globl x86_boot32_stub
    .globl x86_boot32_stub_end
    .code64
x86_boot32_stub:
    mov %rdx, %cr3
    mov %cr4, %rax
    or $0x20, %eax                  /* PAE */
    mov %rax, %cr4
    mov %cr0, %rax
    or $0x80000001, %eax            /* PG, PE */
    mov %rax, %cr0
    pushq $0x08
    lea 1f(%rip), %rax
    push %rax
    lretq
    .code32
1:  mov %cr0, %eax
    and $0x7fffffff, %eax           /* paging off: EFER.LMA = 0 */
    mov %eax, %cr0
    mov $0xc0000080, %ecx           /* EFER */
    rdmsr
    and $0xfffffeff, %eax           /* LME off */
    wrmsr
    mov %cr4, %eax
    and $0xffffffdf, %eax           /* PAE off */
    mov %eax, %cr4
    xor %eax, %eax
    mov %eax, %cr3
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs
    mov %edi, %eax
    xor %ecx, %ecx
    xor %edx, %edx
    xor %edi, %edi
    xor %ebp, %ebp
    jmp *%esi
x86_boot32_stub_end:
    .section .note.GNU-stack,"",@progbits
