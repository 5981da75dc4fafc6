/* s390x interruption entries: the program and SVC new PSWs point here. Save the registers in the
 * lowcore (base 0 addressing needs none), build a struct s390_irq_frame on the interruption
 * stack, call s390_irq_dispatch, then reload the (possibly changed) registers and old PSW. */

#define FRAME_GPR   160     /* after the 160-byte register save area of the C ABI */
#define FRAME_PSW   (FRAME_GPR + 128)
#define FRAME_CODE  (FRAME_PSW + 16)
#define FRAME_ILEN  (FRAME_CODE + 4)
#define FRAME_KIND  (FRAME_ILEN + 4)
#define FRAME_SIZE  (FRAME_KIND + 8)

    .text
    .globl s390_pgm_entry
    .type s390_pgm_entry, @function
s390_pgm_entry:
    stmg %r0, %r15, 0x200
    larl %r15, irq_stack_top
    aghi %r15, -FRAME_SIZE
    mvc FRAME_PSW(16, %r15), 0x150      /* program old PSW */
    llgh %r0, 0x8e                      /* program interruption code */
    st %r0, FRAME_CODE(%r15)
    llgh %r0, 0x8c                      /* ILC as a byte count */
    st %r0, FRAME_ILEN(%r15)
    lghi %r0, 1                         /* S390_IRQ_PROGRAM */
    j common
    .size s390_pgm_entry, . - s390_pgm_entry

    .globl s390_svc_entry
    .type s390_svc_entry, @function
s390_svc_entry:
    stmg %r0, %r15, 0x200
    larl %r15, irq_stack_top
    aghi %r15, -FRAME_SIZE
    mvc FRAME_PSW(16, %r15), 0x140      /* SVC old PSW */
    llgh %r0, 0x8a                      /* SVC number */
    st %r0, FRAME_CODE(%r15)
    llgh %r0, 0x88
    st %r0, FRAME_ILEN(%r15)
    lghi %r0, 2                         /* S390_IRQ_SVC */
common:
    st %r0, FRAME_KIND(%r15)
    mvc FRAME_GPR(128, %r15), 0x200
    xc 0(8, %r15), 0(%r15)
    la %r2, FRAME_GPR(%r15)
    brasl %r14, s390_irq_dispatch
    mvc 0x200(128), FRAME_GPR(%r15)
    mvc 0x280(16), FRAME_PSW(%r15)
    lmg %r0, %r15, 0x200
    lpswe 0x280
    .size s390_svc_entry, . - s390_svc_entry

    .section .bss
    .balign 4096
irq_stack:
    .skip 16384
irq_stack_top:

    .section .note.GNU-stack, "", @progbits
