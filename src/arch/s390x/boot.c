/* s390x boot: a clear lowcore at absolute 0 (prefix 0), the boot information block, the engine
 * primed for the call-site finder, and the IPL CPU's registers and PSW. */
#include <errno.h>
#include <string.h>

#include "arch/s390x/s390x.h"
#include "softkvm/boot_info.h"

/* Control registers after an initial CPU reset (z/Architecture): CR0 external subclass masks
 * for malfunction alert, emergency signal and external call; CR14 the channel-report and
 * external-damage machine-check masks. */
#define CR0_RESET  0xE0ULL
#define CR14_RESET 0xC2000000ULL

static int write_boot_info(struct vm *vm)
{
    struct gmem *m = &vm->mem;
    gpa_t b = S390_BOOT_INFO;
    /* struct skvm_boot_info, big-endian: the guest's own byte order. */
    if (gmem_write_be32(m, b + 0, SKVM_BOOT_MAGIC) != 0 ||
        gmem_write_be32(m, b + 4, SKVM_BOOT_VERSION) != 0 ||
        gmem_write_be64(m, b + 8, vm->mem.size) != 0 ||
        gmem_write_be32(m, b + 16, vm->ncpus) != 0 || gmem_write_be32(m, b + 20, 0) != 0 ||
        gmem_write_be64(m, b + 24, S390_TESTDEV) != 0 ||
        gmem_write_be64(m, b + 32, S390_BOOT_END) != 0 || gmem_write_be64(m, b + 40, 0) != 0 ||
        gmem_write_be64(m, b + 48, 0) != 0 || gmem_write_be64(m, b + 56, 0) != 0)
        return -EFAULT;
    return 0;
}

int s390_boot(struct vm *vm, char *err, size_t errlen)
{
    uint8_t *lowcore = gmem_ptr(&vm->mem, 0, LC_SIZE);
    if (lowcore == NULL || write_boot_info(vm) != 0) {
        snprintf(err, errlen, "guest RAM is too small for the s390x boot area");
        return -ENOSPC;
    }
    memset(lowcore, 0, LC_SIZE);
    if (s390_traps_prime(vm) != 0) {
        snprintf(err, errlen, "the engine did not run softkvm's start-up stub");
        return -EINVAL;
    }

    uc_engine *uc = vm->uc;
    uc_err e = UC_ERR_OK;
    uint64_t zero = 0;
    for (int r = UC_S390X_REG_R0; e == UC_ERR_OK && r <= UC_S390X_REG_R15; r++)
        e = uc_reg_write(uc, r, &zero);
    for (int r = UC_S390X_REG_CR0; e == UC_ERR_OK && r <= UC_S390X_REG_CR15; r++) {
        uint64_t cr = r == UC_S390X_REG_CR0 ? CR0_RESET : r == UC_S390X_REG_CR14 ? CR14_RESET : 0;
        e = uc_reg_write(uc, r, &cr);
    }
    uint32_t zero32 = 0;
    for (int r = UC_S390X_REG_A0; e == UC_ERR_OK && r <= UC_S390X_REG_A15; r++)
        e = uc_reg_write(uc, r, &zero32);
    if (e == UC_ERR_OK)
        e = uc_reg_write(uc, UC_S390X_REG_FPC, &zero32);
    uint64_t r2 = S390_BOOT_INFO, r3 = vm->mem.size, r15 = S390_STACK_TOP - 160;
    uint64_t mask = PSW_MASK_64, pc = vm->entry;
    if (e == UC_ERR_OK)
        e = uc_reg_write(uc, UC_S390X_REG_R2, &r2);
    if (e == UC_ERR_OK)
        e = uc_reg_write(uc, UC_S390X_REG_R3, &r3);
    if (e == UC_ERR_OK)
        e = uc_reg_write(uc, UC_S390X_REG_R15, &r15);
    if (e == UC_ERR_OK)
        e = uc_reg_write(uc, UC_S390X_REG_PSWM, &mask);
    if (e == UC_ERR_OK)
        e = uc_reg_write(uc, UC_S390X_REG_PC, &pc);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "Unicorn refused the s390x boot state: %s", uc_strerror(e));
        return -EINVAL;
    }
    if (s390_psw_invalid(mask, pc) != NULL) {
        snprintf(err, errlen, "the kernel's entry point 0x%llx is odd",
                 (unsigned long long)vm->entry);
        return -EINVAL;
    }
    return 0;
}
