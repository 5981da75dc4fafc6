/* Reading the x86 vCPU state the hypercall and exception paths need: registers, mode, descriptors.
 */
#include <errno.h>

#include "arch/x86_64/x86.h"
#include "softkvm/engine_check.h"

#define EFER_LMA (1ULL << 10)
#define CR0_PE   (1ULL << 0)
#define DESC_L   (1ULL << 53)

void x86_read_regs(struct vm *vm, struct x86_regs *r)
{
    static const int ids[] = {
        UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX,    UC_X86_REG_RDX, UC_X86_REG_RSI,
        UC_X86_REG_RIP, UC_X86_REG_RSP, UC_X86_REG_RFLAGS, UC_X86_REG_CR0, UC_X86_REG_CR3,
        UC_X86_REG_CR4, UC_X86_REG_CS,  UC_X86_REG_SS,
    };
    uint64_t cs = 0, ss = 0;
    void *vals[] = {&r->rax,    &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rip, &r->rsp,
                    &r->rflags, &r->cr0, &r->cr3, &r->cr4, &cs,     &ss};
    ENGINE_OK(vm, uc_reg_read_batch(vm->uc, ids, vals, (int)(sizeof(ids) / sizeof(ids[0]))));
    r->cs = (uint16_t)cs;
    r->ss = (uint16_t)ss;
    uc_x86_msr efer = {.rid = 0xC0000080, .value = 0};
    ENGINE_OK(vm, uc_reg_read(vm->uc, UC_X86_REG_MSR, &efer));
    r->efer = efer.value;
}

void x86_read_mmu(struct vm *vm, struct x86_mmu *mmu)
{
    static const int ids[] = {UC_X86_REG_CR0, UC_X86_REG_CR3, UC_X86_REG_CR4};
    void *vals[] = {&mmu->cr0, &mmu->cr3, &mmu->cr4};
    ENGINE_OK(vm, uc_reg_read_batch(vm->uc, ids, vals, 3));
    uc_x86_msr efer = {.rid = 0xC0000080, .value = 0};
    ENGINE_OK(vm, uc_reg_read(vm->uc, UC_X86_REG_MSR, &efer));
    mmu->efer = efer.value;
}

int x86_read_descriptor(struct vm *vm, const struct x86_mmu *mmu, uint16_t sel, uint64_t *desc)
{
    uc_x86_mmr table = {0};
    ENGINE_OK(vm, uc_reg_read(vm->uc, (sel & 4) ? UC_X86_REG_LDTR : UC_X86_REG_GDTR, &table));
    uint32_t off = sel & ~7u;
    if ((uint64_t)off + 7 > table.limit)
        return -ERANGE;
    uint64_t fault_la;
    uint32_t pfec;
    if (x86_read_virt(&vm->mem, mmu, table.base + off, desc, 8, false, &fault_la, &pfec) != 0)
        return -EFAULT;
    return 0;
}

void x86_cpu_mode(struct vm *vm, const struct x86_regs *r, bool *mode64, unsigned *cpl)
{
    if (!(r->cr0 & CR0_PE)) {
        *mode64 = false;
        *cpl = 0;
        return;
    }
    *cpl = r->cs & 3;
    *mode64 = false;
    if (!(r->efer & EFER_LMA))
        return;
    struct x86_mmu mmu = {r->cr0, r->cr3, r->cr4, r->efer};
    uint64_t desc;
    if (x86_read_descriptor(vm, &mmu, r->cs, &desc) == 0)
        *mode64 = (desc & DESC_L) != 0;
    else
        *mode64 = true; /* boot state: Unicorn's 64-bit CS before any GDT load */
}

uint64_t x86_cs_base(struct vm *vm, const struct x86_regs *r)
{
    if (!(r->cr0 & CR0_PE))
        return (uint64_t)r->cs << 4; /* real mode */
    struct x86_mmu mmu = {r->cr0, r->cr3, r->cr4, r->efer};
    uint64_t desc;
    if ((r->efer & EFER_LMA) || x86_read_descriptor(vm, &mmu, r->cs, &desc) != 0)
        return 0; /* long mode: compatibility-mode code is assumed flat too */
    return ((desc >> 16) & 0xFFFFFF) | (((desc >> 56) & 0xFF) << 24);
}
