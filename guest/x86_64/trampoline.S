/* x86-64 guest AP trampoline: copied to 0x8000 (STARTUP vector 8); real -> protected -> long mode. */

#define TRAMP   0x8000
#define OFF(x)  ((x) - smp_trampoline_start)
#define ABS(x)  (TRAMP + OFF(x))

/* Data only where it is linked: smp_init copies smp_trampoline_start .. smp_trampoline_end to
 * TRAMP and the APs run the copy, so every address below is TRAMP-relative. */
    .section .rodata
    .balign 16
    .globl smp_trampoline_start
smp_trampoline_start:
    .code16
    /* Real mode, CS = 0x0800, IP = 0. Record EAX..EDX as STARTUP left them (CS-relative
     * stores), then FLAGS and CS once there is a stack. */
    movl %eax, %cs:OFF(tp_eax)
    movl %ebx, %cs:OFF(tp_ebx)
    movl %ecx, %cs:OFF(tp_ecx)
    movl %edx, %cs:OFF(tp_edx)
    movw %cs, %ax
    movw %ax, %ds
    movw %ax, %ss
    movw $OFF(tp_stack_top), %sp
    pushfl
    popl %eax
    movl %eax, OFF(tp_flags)
    movw %cs, %ax
    movzwl %ax, %eax
    movl %eax, OFF(tp_cs)
    lock incl OFF(tp_entries)
    cli
    cld
    lgdtl OFF(tp_gdtr)
    movl %cr0, %eax
    orl $1, %eax                        /* PE */
    movl %eax, %cr0
    ljmpl $0x08, $ABS(tramp32)

    .code32
tramp32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movl ABS(tp_cr4), %eax              /* PAE and the rest of the BSP's CR4 */
    movl %eax, %cr4
    movl ABS(tp_cr3), %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx              /* IA32_EFER: LME (+ NXE) as the BSP has it */
    movl ABS(tp_efer), %eax
    xorl %edx, %edx
    wrmsr
    movl ABS(tp_cr0), %eax              /* PG, PE, WP... : long mode becomes active */
    movl %eax, %cr0
    ljmpl $0x18, $ABS(tramp64)

    .code64
tramp64:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    movl $1, %eax
    cpuid                               /* EBX[31:24]: initial APIC ID */
    shrl $24, %ebx
    cmpl $64, %ebx                      /* SMP_MAX_CPUS: no stack for a higher APIC ID */
    jae 1f
    movq ABS(tp_stacks), %rax
    movq (%rax,%rbx,8), %rsp
    movl %ebx, %edi
    movq ABS(tp_entry), %rax
    xorl %ebp, %ebp
    call *%rax                          /* smp_ap_entry(apic_id): does not return */
1:  cli
    hlt
    jmp 1b

    .balign 8
tp_gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF            /* 0x08: 32-bit code */
    .quad 0x00CF92000000FFFF            /* 0x10: data */
    .quad 0x00AF9A000000FFFF            /* 0x18: 64-bit code */
tp_gdtr:
    .word 31
    .long ABS(tp_gdt)

    /* struct smp_trampoline_params */
    .balign 16
    .globl smp_trampoline_params_image
smp_trampoline_params_image:
tp_cr0:     .long 0
tp_cr3:     .long 0
tp_cr4:     .long 0
tp_efer:    .long 0
tp_entry:   .quad 0
tp_stacks:  .quad 0
tp_eax:     .long 0
tp_ebx:     .long 0
tp_ecx:     .long 0
tp_edx:     .long 0
tp_flags:   .long 0
tp_cs:      .long 0
tp_entries: .long 0
            .long 0

    .balign 16
    .skip 64                            /* real-mode stack for PUSHF */
tp_stack_top:
    .globl smp_trampoline_end
smp_trampoline_end:

    .section .note.GNU-stack, "", @progbits
