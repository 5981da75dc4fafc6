/* Guest test helper: hypercall sites alone on a page (kernel, can be made read-only) and user. */

/* SITE sec, fn, insn: fn(nr) = "mov %rdi, %rax; insn; ret" alone on a page-aligned page. */
.macro SITE sec, fn, insn
    .section \sec, "ax", @progbits
    .balign 4096
    .globl \fn, \fn\()_insn
    .type \fn, @function
\fn:
    movq %rdi, %rax
\fn\()_insn:
    \insn
    ret
    .size \fn, . - \fn
    .balign 4096
.endm

    SITE .text.ro_vmcall, ro_vmcall, vmcall         /* 0F 01 C1 */
    SITE .text.ro_vmmcall, ro_vmmcall, vmmcall      /* 0F 01 D9 */
    SITE .user.text, user_vmcall, vmcall            /* 0F 01 C1 */
    SITE .user.text, user_vmmcall, vmmcall          /* 0F 01 D9 */

    .section .note.GNU-stack, "", @progbits
