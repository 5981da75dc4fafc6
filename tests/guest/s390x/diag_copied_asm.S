/* Position-independent code the test copies around at run time:
 *
 *   hc_snippet:  r1 = 4; DIAGNOSE 0x500; return r2 (the storage limit)
 *   nop_snippet: r2 = 77; r1 = 4; two no-ops where a DIAGNOSE can be patched in; return r2 */

    .section .rodata
    .balign 8
    .globl hc_snippet, hc_snippet_end
hc_snippet:
    lghi %r1, 4
    diag %r2, %r4, 0x500
    br %r14
hc_snippet_end:

    .balign 8
    .globl nop_snippet, nop_snippet_hole, nop_snippet_end
nop_snippet:
    lghi %r2, 77
    lghi %r1, 4
nop_snippet_hole:
    bcr 0, %r0
    bcr 0, %r0
    br %r14
nop_snippet_end:

    .section .note.GNU-stack, "", @progbits
