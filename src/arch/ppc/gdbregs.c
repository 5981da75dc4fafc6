/* The PowerPC registers as gdb's org.gnu.gdb.power.core numbers them (ppc: 32-bit, ppc64:
 * 64-bit), their access, and translation through the engine's MMU. */
#include <errno.h>

#include "arch/ppc/ppc.h"
#include "softkvm/arch.h"

#define CORE "org.gnu.gdb.power.core"

#define GPR(n, b)                                                                                  \
    {                                                                                              \
        "r" #n, b, "uint" #b, CORE, "general"                                                      \
    }
#define GPRS(b)                                                                                    \
    GPR(0, b), GPR(1, b), GPR(2, b), GPR(3, b), GPR(4, b), GPR(5, b), GPR(6, b), GPR(7, b),        \
        GPR(8, b), GPR(9, b), GPR(10, b), GPR(11, b), GPR(12, b), GPR(13, b), GPR(14, b),          \
        GPR(15, b), GPR(16, b), GPR(17, b), GPR(18, b), GPR(19, b), GPR(20, b), GPR(21, b),        \
        GPR(22, b), GPR(23, b), GPR(24, b), GPR(25, b), GPR(26, b), GPR(27, b), GPR(28, b),        \
        GPR(29, b), GPR(30, b), GPR(31, b)
#define SPRS(b)                                                                                    \
    {"pc", b, "code_ptr", CORE, "general"}, {"msr", b, "uint" #b, CORE, "general"},                \
        {"cr", 32, "uint32", CORE, "general"}, {"lr", b, "code_ptr", CORE, "general"},             \
        {"ctr", b, "uint" #b, CORE, "general"},                                                    \
    {                                                                                              \
        "xer", 32, "uint32", CORE, "general"                                                       \
    }

const struct arch_reg ppc32_gdb_regs[PPC_GDB_NREGS] = {GPRS(32), SPRS(32)};
const struct arch_reg ppc64_gdb_regs[PPC_GDB_NREGS] = {GPRS(64), SPRS(64)};

static int uc_id(unsigned regno)
{
    static const int spr[] = {UC_PPC_REG_PC, UC_PPC_REG_MSR, UC_PPC_REG_CR,
                              UC_PPC_REG_LR, UC_PPC_REG_CTR, UC_PPC_REG_XER};
    return regno < 32 ? UC_PPC_REG_0 + (int)regno : spr[regno - 32];
}

static unsigned reg_bytes(struct vcpu *v, unsigned regno)
{
    const struct arch_reg *t = ppc_vm_of(v->vm)->is64 ? ppc64_gdb_regs : ppc32_gdb_regs;
    return t[regno].bits / 8;
}

int ppc_gdb_reg_read(struct vcpu *v, unsigned regno, uint8_t *buf)
{
    if (regno >= PPC_GDB_NREGS)
        return -EINVAL;
    uint64_t x = 0;
    if (uc_reg_read(v->vm->uc, uc_id(regno), &x) != UC_ERR_OK)
        return -EIO;
    unsigned n = reg_bytes(v, regno);
    for (unsigned i = 0; i < n; i++)
        buf[i] = (uint8_t)(x >> (8 * (n - 1 - i))); /* big-endian, as the guest */
    return (int)n;
}

int ppc_gdb_reg_write(struct vcpu *v, unsigned regno, const uint8_t *buf)
{
    if (regno >= PPC_GDB_NREGS)
        return -EINVAL;
    unsigned n = reg_bytes(v, regno);
    uint64_t x = 0;
    for (unsigned i = 0; i < n; i++)
        x = x << 8 | buf[i];
    if (regno == 32)
        v->pc_known = false; /* the debugger's PC wins over an exit handler's pending one */
    return uc_reg_write(v->vm->uc, uc_id(regno), &x) == UC_ERR_OK ? 0 : -EIO;
}

int ppc_gdb_translate(struct vcpu *v, uint64_t va, uint64_t *pa)
{
    if (!ppc_vm_of(v->vm)->is64)
        va = (uint32_t)va;
    return uc_vmem_translate(v->vm->uc, va, UC_PROT_READ, pa) == UC_ERR_OK ? 0 : -EFAULT;
}
