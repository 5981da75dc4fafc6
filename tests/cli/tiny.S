/* A tiny x86-64 guest for the CLI tests: one hypercall, one UART byte, then exit with STATUS. */
#ifndef STATUS
#define STATUS 0
#endif
    .text
    .globl _start
_start:
    mov $1, %eax          /* KVM_HC_VAPIC_POLL_IRQ: returns 0 */
    vmcall
    mov $0x3f8, %dx       /* UART THR */
    mov $0x6b, %al        /* 'k' */
    outb %al, %dx
    mov $0xF0000000, %ebx /* test device: a 32-bit write ends the run */
    movl $STATUS, (%rbx)
    hlt                   /* not reached */
