/* Guest test helper: separate VMCALL and VMMCALL sites, each a function long site_X(long nr). */

/* SITE fn, insn: fn(nr) puts nr in RAX, executes insn at the global label fn_insn, returns RAX. */
.macro SITE fn, insn
    .text
    .globl \fn, \fn\()_insn
    .type \fn, @function
\fn:
    movq %rdi, %rax
\fn\()_insn:
    \insn
    ret
    .size \fn, . - \fn
.endm

    SITE vmcall_site0, vmcall       /* 0F 01 C1 */
    SITE vmcall_site1, vmcall
    SITE vmcall_site2, vmcall
    SITE vmcall_site3, vmcall
    SITE vmmcall_site0, vmmcall     /* 0F 01 D9 */
    SITE vmmcall_site1, vmmcall
    SITE vmmcall_site2, vmmcall
    SITE vmmcall_site3, vmmcall

    .section .note.GNU-stack, "", @progbits
