/* Guest test helper: hypercall instructions whose last byte is the last byte of a page. */

/* EDGE sec, fn, insn: in its own page-aligned section, fn(nr) = "mov %rdi, %rax; insn; ret" placed
 * so that insn occupies the last 3 bytes of the page and ret is the first byte of the next. */
.macro EDGE sec, fn, insn
    .section \sec, "ax", @progbits
    .balign 4096
    .org 4096 - 6
    .globl \fn, \fn\()_insn
    .type \fn, @function
\fn:
    movq %rdi, %rax             /* 48 89 F8 */
\fn\()_insn:
    \insn
    ret                         /* first byte of the next page */
    .size \fn, . - \fn
    .if (\fn\()_insn - \fn) != 3
    .error "mov must be 3 bytes"
    .endif
.endm

    EDGE .text.edge_vmcall, edge_vmcall, vmcall      /* 0F 01 C1 */
    EDGE .text.edge_vmmcall, edge_vmmcall, vmmcall   /* 0F 01 D9 */

    .section .note.GNU-stack, "", @progbits
