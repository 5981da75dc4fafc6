/* The s390x registers as gdb's s390 features number them (core, access, floating point), their
 * access, and translation through the engine's DAT. */
#include <errno.h>

#include "arch/s390x/s390x.h"
#include "softkvm/arch.h"

#define CORE "org.gnu.gdb.s390.core"
#define ACR  "org.gnu.gdb.s390.acr"
#define FPR  "org.gnu.gdb.s390.fpr"

#define R(n)                                                                                       \
    {                                                                                              \
        "r" #n, 64, "uint64", CORE, "general"                                                      \
    }
#define A(n)                                                                                       \
    {                                                                                              \
        "acr" #n, 32, "uint32", ACR, "system"                                                      \
    }
#define FR(n)                                                                                      \
    {                                                                                              \
        "f" #n, 64, "ieee_double", FPR, "float"                                                    \
    }

const struct arch_reg s390_gdb_regs[S390_GDB_NREGS] = {
    {"pswm", 64, "uint64", CORE, "psw"},
    {"pswa", 64, "code_ptr", CORE, "psw"},
    R(0),
    R(1),
    R(2),
    R(3),
    R(4),
    R(5),
    R(6),
    R(7),
    R(8),
    R(9),
    R(10),
    R(11),
    R(12),
    R(13),
    R(14),
    R(15),
    A(0),
    A(1),
    A(2),
    A(3),
    A(4),
    A(5),
    A(6),
    A(7),
    A(8),
    A(9),
    A(10),
    A(11),
    A(12),
    A(13),
    A(14),
    A(15),
    {"fpc", 32, "uint32", FPR, "float"},
    FR(0),
    FR(1),
    FR(2),
    FR(3),
    FR(4),
    FR(5),
    FR(6),
    FR(7),
    FR(8),
    FR(9),
    FR(10),
    FR(11),
    FR(12),
    FR(13),
    FR(14),
    FR(15),
};

static int uc_id(unsigned regno)
{
    if (regno == 0)
        return UC_S390X_REG_PSWM;
    if (regno == 1)
        return UC_S390X_REG_PC;
    if (regno < 18)
        return UC_S390X_REG_R0 + (int)(regno - 2);
    if (regno < 34)
        return UC_S390X_REG_A0 + (int)(regno - 18);
    if (regno == 34)
        return UC_S390X_REG_FPC;
    return UC_S390X_REG_F0 + (int)(regno - 35);
}

int s390_gdb_reg_read(struct vcpu *v, unsigned regno, uint8_t *buf)
{
    if (regno >= S390_GDB_NREGS)
        return -EINVAL;
    uint64_t x = 0;
    if (uc_reg_read(v->vm->uc, uc_id(regno), &x) != UC_ERR_OK)
        return -EIO;
    unsigned n = s390_gdb_regs[regno].bits / 8;
    for (unsigned i = 0; i < n; i++)
        buf[i] = (uint8_t)(x >> (8 * (n - 1 - i))); /* big-endian, as the guest */
    return (int)n;
}

int s390_gdb_reg_write(struct vcpu *v, unsigned regno, const uint8_t *buf)
{
    if (regno >= S390_GDB_NREGS)
        return -EINVAL;
    unsigned n = s390_gdb_regs[regno].bits / 8;
    uint64_t x = 0;
    for (unsigned i = 0; i < n; i++)
        x = x << 8 | buf[i];
    if (regno == 1)
        v->pc_known = false; /* the debugger's PC wins over an exit handler's pending one */
    return uc_reg_write(v->vm->uc, uc_id(regno), &x) == UC_ERR_OK ? 0 : -EIO;
}

int s390_gdb_translate(struct vcpu *v, uint64_t va, uint64_t *pa)
{
    return uc_vmem_translate(v->vm->uc, va, UC_PROT_READ, pa) == UC_ERR_OK ? 0 : -EFAULT;
}
