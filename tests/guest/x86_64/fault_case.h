/* Guest test helpers: asm routines with labels at a faulting instruction and right after it. */
#ifndef TESTS_GUEST_X86_64_FAULT_CASE_H
#define TESTS_GUEST_X86_64_FAULT_CASE_H

#include "guest/softkvm_guest.h"
#include "guest/x86_64/x86.h"

/* FAULT_CASE(name, setup, insn) defines, in .text:
 *     uint64_t name_fn(uint64_t arg)   runs `setup` (may use RAX, RCX, RDX, RSI, RDI, R8-R11;
 *                                      arg is in RDI), then `insn`, then returns RAX
 *     char name[]                      the address of insn
 *     char name_resume[]               the address right after insn
 * USER_FAULT_CASE is the same in .user.text, for x86_enter_user(name_fn, arg, stack). */
#define FAULT_CASE_IN(section, name, setup, insn)                                                  \
    __asm__(".pushsection " section ", \"ax\", @progbits\n"                                        \
            ".globl " #name "_fn, " #name ", " #name "_resume\n" #name "_fn:\n"                    \
            "    " setup "\n" #name ":\n"                                                          \
            "    " insn "\n" #name "_resume:\n"                                                    \
            "    ret\n"                                                                            \
            ".popsection\n");                                                                      \
    uint64_t name##_fn(uint64_t arg);                                                              \
    extern char name[], name##_resume[];

#define FAULT_CASE(name, setup, insn)      FAULT_CASE_IN(".text", name, setup, insn)
#define USER_FAULT_CASE(name, setup, insn) FAULT_CASE_IN(".user.text", name, setup, insn)

/* Run a CPL-0 case with trap_record_handler resuming after the instruction. */
static inline uint64_t run_case(uint64_t (*fn)(uint64_t), const char *resume, uint64_t arg)
{
    trap_record_reset();
    trap_resume_rip = (uintptr_t)resume;
    return fn(arg);
}

/* The same at CPL 3 on the SDK's user stack. */
static inline uint64_t run_user_case(uint64_t (*fn)(uint64_t), const char *resume, uint64_t arg)
{
    trap_record_reset();
    trap_resume_rip = (uintptr_t)resume;
    return x86_enter_user(fn, arg, X86_USER_STACK_TOP);
}

#endif
