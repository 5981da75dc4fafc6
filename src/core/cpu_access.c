/* Registers and translation of any vCPU: the loaded one directly, others swapped in briefly. */
#include "softkvm/cpu_access.h"

#include <errno.h>
#include <string.h>

#include "softkvm/arch.h"
#include "softkvm/vm.h"

enum access_op { OP_READ, OP_WRITE, OP_TRANSLATE, OP_PC };

struct access {
    enum access_op op;
    unsigned regno;
    uint8_t *buf;
    const uint8_t *wbuf;
    uint64_t va, *pa;
};

static int apply(struct vcpu *v, struct access *a)
{
    const struct arch_ops *arch = v->vm->arch;
    switch (a->op) {
    case OP_READ:
        if (arch->reg_read == NULL || a->regno >= arch->nregs)
            return -EINVAL;
        return arch->reg_read(v, a->regno, a->buf);
    case OP_WRITE:
        if (arch->reg_write == NULL || a->regno >= arch->nregs)
            return -EINVAL;
        return arch->reg_write(v, a->regno, a->wbuf);
    case OP_PC:
        *a->pa = v->pc_known ? v->next_pc : arch->get_pc(v);
        return 0;
    default:
        if (arch->translate == NULL)
            return -ENOTSUP;
        return arch->translate(v, a->va, a->pa);
    }
}

/* The vCPU whose state the engine holds: the running one, or vCPU 0 before the first run. */
static struct vcpu *loaded(struct vm *vm)
{
    return vm->running != NULL ? vm->running : &vm->vcpus[0];
}

static int with_state(struct vcpu *v, struct access *a)
{
    struct vm *vm = v->vm;
    struct vcpu *cur = loaded(vm);
    if (cur == v || v->ctx == NULL) {
        if (cur == v)
            vcpu_sync_pc(v);
        return apply(v, a);
    }
    /* Swap v in, access, keep a write in v's context, and put the loaded state back. */
    vcpu_sync_pc(cur);
    uc_context *keep;
    if (uc_context_alloc(vm->uc, &keep) != UC_ERR_OK)
        return -EIO;
    int rc = -EIO;
    if (uc_context_save(vm->uc, keep) == UC_ERR_OK &&
        uc_context_restore(vm->uc, v->ctx) == UC_ERR_OK) {
        uc_ctl_flush_tlb(vm->uc);
        rc = apply(v, a);
        if (a->op == OP_WRITE && rc == 0 && uc_context_save(vm->uc, v->ctx) != UC_ERR_OK)
            rc = -EIO;
        if (uc_context_restore(vm->uc, keep) != UC_ERR_OK)
            rc = -EIO;
        uc_ctl_flush_tlb(vm->uc);
    }
    uc_context_free(keep);
    return rc;
}

int vcpu_reg_read(struct vcpu *v, unsigned regno, uint8_t *buf)
{
    struct access a = {.op = OP_READ, .regno = regno, .buf = buf};
    return with_state(v, &a);
}

int vcpu_reg_write(struct vcpu *v, unsigned regno, const uint8_t *buf)
{
    struct access a = {.op = OP_WRITE, .regno = regno, .wbuf = buf};
    return with_state(v, &a);
}

int vcpu_translate(struct vcpu *v, uint64_t va, uint64_t *pa)
{
    struct access a = {.op = OP_TRANSLATE, .va = va, .pa = pa};
    return with_state(v, &a);
}

int vcpu_pc(struct vcpu *v, uint64_t *pc)
{
    struct access a = {.op = OP_PC, .pa = pc};
    return with_state(v, &a);
}

static bool big_endian(const struct vcpu *v)
{
    return v->vm->arch->elf_data == 2; /* ELFDATA2MSB */
}

int vcpu_reg_get(struct vcpu *v, const char *name, uint64_t *val)
{
    int n = arch_reg_find(v->vm->arch, name);
    if (n < 0 || v->vm->arch->regs[n].bits > 64)
        return -EINVAL;
    uint8_t buf[8];
    int len = vcpu_reg_read(v, (unsigned)n, buf);
    if (len < 0)
        return len;
    uint64_t x = 0;
    for (int i = 0; i < len; i++)
        x |= (uint64_t)buf[big_endian(v) ? i : len - 1 - i] << (8 * (len - 1 - i));
    *val = x;
    return 0;
}

int vcpu_reg_set(struct vcpu *v, const char *name, uint64_t val)
{
    int n = arch_reg_find(v->vm->arch, name);
    if (n < 0 || v->vm->arch->regs[n].bits > 64)
        return -EINVAL;
    unsigned len = v->vm->arch->regs[n].bits / 8;
    uint8_t buf[8];
    for (unsigned i = 0; i < len; i++) {
        uint8_t b = (uint8_t)(val >> (8 * i));
        buf[big_endian(v) ? len - 1 - i : i] = b;
    }
    return vcpu_reg_write(v, (unsigned)n, buf);
}
