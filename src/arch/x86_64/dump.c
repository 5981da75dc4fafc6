/* The x86-64 register dump printed when a guest crashes. */
#include <inttypes.h>

#include "arch/x86_64/x86.h"
#include "softkvm/engine_check.h"

void x86_dump_regs(struct vcpu *v, FILE *out)
{
    static const int ids[] = {
        UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX,    UC_X86_REG_RDX, UC_X86_REG_RSI,
        UC_X86_REG_RDI, UC_X86_REG_RBP, UC_X86_REG_RSP,    UC_X86_REG_R8,  UC_X86_REG_R9,
        UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12,    UC_X86_REG_R13, UC_X86_REG_R14,
        UC_X86_REG_R15, UC_X86_REG_RIP, UC_X86_REG_RFLAGS, UC_X86_REG_CR0, UC_X86_REG_CR2,
        UC_X86_REG_CR3, UC_X86_REG_CR4, UC_X86_REG_CS,     UC_X86_REG_SS,  UC_X86_REG_DS,
    };
    static const char *const names[] = {
        "RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP", "R8 ", "R9 ", "R10", "R11", "R12",
        "R13", "R14", "R15", "RIP", "RFL", "CR0", "CR2", "CR3", "CR4", "CS ", "SS ", "DS ",
    };
    enum { N = sizeof(ids) / sizeof(ids[0]) };
    uint64_t val[N] = {0};
    void *ptr[N];
    for (int i = 0; i < N; i++)
        ptr[i] = &val[i];
    ENGINE_OK(v->vm, uc_reg_read_batch(v->vm->uc, ids, ptr, N));
    fprintf(out, "vCPU %u registers:\n", v->id);
    for (int i = 0; i < N; i++)
        fprintf(out, "  %s=%016" PRIx64 "%s", names[i], val[i], (i % 4 == 3) ? "\n" : "");
    uc_x86_mmr gdtr = {0}, idtr = {0}, tr = {0};
    ENGINE_OK(v->vm, uc_reg_read(v->vm->uc, UC_X86_REG_GDTR, &gdtr));
    ENGINE_OK(v->vm, uc_reg_read(v->vm->uc, UC_X86_REG_IDTR, &idtr));
    ENGINE_OK(v->vm, uc_reg_read(v->vm->uc, UC_X86_REG_TR, &tr));
    uc_x86_msr efer = {.rid = 0xC0000080};
    ENGINE_OK(v->vm, uc_reg_read(v->vm->uc, UC_X86_REG_MSR, &efer));
    fprintf(out, "\n  GDTR=%016" PRIx64 "/%04x IDTR=%016" PRIx64 "/%04x TR=%04x EFER=%" PRIx64 "\n",
            gdtr.base, gdtr.limit, idtr.base, idtr.limit, tr.selector, efer.value);
}
