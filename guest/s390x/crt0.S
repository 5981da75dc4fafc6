/* s390x guest entry: record the entry state, install the interruption new PSWs, switch to a .bss
 * stack, run kmain and end the run with its return value. */

    .section .text.entry, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    /* Save every register before touching one: into the lowcore scratch area (base 0). */
    stmg %r0, %r15, 0x200
    larl %r1, s390_entry_state
    mvc 0(128, %r1), 0x200          /* gpr[16] */
    epsw %r2, %r3                   /* PSW mask bits 0-31 and 32-63 */
    sllg %r2, %r2, 32
    llgfr %r3, %r3
    ogr %r2, %r3
    stg %r2, 128(%r1)               /* psw_mask */
    stctg %c0, %c15, 136(%r1)       /* cr[16] */
    stpx 264(%r1)                   /* prefix */
    mvc 272(16, %r1), 0x1d0         /* program new PSW as found */
    mvc 288(16, %r1), 0x1c0         /* SVC new PSW as found */

    /* r2 at entry is the boot information block. */
    lg %r2, 16(%r1)
    larl %r3, skvm_boot
    stg %r2, 0(%r3)
    larl %r15, boot_stack_top
    aghi %r15, -160
    xc 0(8, %r15), 0(%r15)          /* back chain: none */
    brasl %r14, s390_install_new_psws
    larl %r1, skvm_boot
    lg %r2, 0(%r1)
    brasl %r14, kmain
    brasl %r14, guest_exit          /* r2: kmain's return value */
0:  j 0b
    .size _start, . - _start

    .section .bss
    .balign 8
    .globl s390_entry_state
    .type s390_entry_state, @object
s390_entry_state:
    .skip 304
    .size s390_entry_state, . - s390_entry_state

    .balign 4096
boot_stack:
    .skip 65536
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
