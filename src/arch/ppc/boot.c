/* PowerPC boot: the device tree and the boot information block in guest RAM, and the ePAPR
 * entry state (r3 = device tree, r6 = "EPAP", r7 = initial mapped area, MSR as documented). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/ppc/fdt.h"
#include "arch/ppc/ppc.h"
#include "hypercalls/ppc_hypercalls.h"
#include "softkvm/boot_info.h"

void ppc_hcall_words(enum ppc_hcall_style style, uint32_t words[4])
{
    if (style == PPC_HCALL_HV) {
        words[0] = PPC_INSN_SC1;
        words[1] = words[2] = words[3] = PPC_INSN_NOP;
    } else {
        words[0] = PPC_INSN_LIS_R0;
        words[1] = PPC_INSN_ORI_R0;
        words[2] = PPC_INSN_SC;
        words[3] = PPC_INSN_NOP;
    }
}

/* The block of docs/platform.md in the guest's byte order (big-endian). */
static int write_boot_info(struct vm *vm)
{
    struct gmem *gm = &vm->mem;
    gpa_t b = PPC_BOOT_INFO;
    int rc = gmem_write_be32(gm, b + 0, SKVM_BOOT_MAGIC);
    rc = rc ?: gmem_write_be32(gm, b + 4, SKVM_BOOT_VERSION);
    rc = rc ?: gmem_write_be64(gm, b + 8, vm->mem.size);
    rc = rc ?: gmem_write_be32(gm, b + 16, vm->ncpus);
    rc = rc ?: gmem_write_be32(gm, b + 20, 0);
    rc = rc ?: gmem_write_be64(gm, b + 24, PPC_TESTDEV);
    rc = rc ?: gmem_write_be64(gm, b + 32, PPC_BOOT_END);
    rc = rc ?: gmem_write_be64(gm, b + 40, 0);
    rc = rc ?: gmem_write_be64(gm, b + 48, 0); /* no memory map: RAM is 0 .. ram_size - 1 */
    rc = rc ?: gmem_write_be64(gm, b + 56, 0);
    return rc;
}

int ppc_boot(struct vm *vm, char *err, size_t errlen)
{
    struct ppc_vm *pvm = ppc_vm_of(vm);
    struct vcpu *v = &vm->vcpus[0];
    if (vm->mem.size < PPC_BOOT_END) {
        snprintf(err, errlen, "PowerPC guests need at least 1 MiB of RAM for the boot area");
        return -EINVAL;
    }
    pvm->pvr = (uint32_t)ppc_reg_read(v, PPC_PVR);
    struct ppc_fdt_params fp = {
        .is64 = pvm->is64,
        .ram_size = vm->mem.size,
        .cpu_name = pvm->model->dt_name,
        .pvr = pvm->pvr,
        .cache_line = pvm->model->cache_line,
        .tb_freq = (uint32_t)PPC_TB_FREQ,
        .has_idle = true,
        .guest_name = "softkvm",
        .console_handle = EPAPR_CONSOLE_HANDLE,
        .boot_info = PPC_BOOT_INFO,
        .testdev = PPC_TESTDEV,
        .irqdev = PPC_IRQDEV,
    };
    ppc_hcall_words(pvm->style, fp.hcall);
    void *fdt = gmem_ptr(&vm->mem, PPC_FDT, PPC_FDT_MAX);
    int size = fdt != NULL ? ppc_fdt_build(&fp, fdt, PPC_FDT_MAX) : -1;
    if (size < 0 || write_boot_info(vm) != 0) {
        snprintf(err, errlen, "cannot build the PowerPC device tree and boot information");
        return -ENOSPC;
    }
    uc_engine *uc = vm->uc;
    uint64_t zero = 0;
    uc_err e = UC_ERR_OK;
    for (int r = UC_PPC_REG_0; e == UC_ERR_OK && r <= UC_PPC_REG_31; r++)
        e = uc_reg_write(uc, r, &zero);
    static const int specials[] = {UC_PPC_REG_LR, UC_PPC_REG_CTR, UC_PPC_REG_XER, UC_PPC_REG_CR};
    for (unsigned i = 0; e == UC_ERR_OK && i < sizeof(specials) / sizeof(specials[0]); i++)
        e = uc_reg_write(uc, specials[i], &zero);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "Unicorn refused the PowerPC boot state: %s", uc_strerror(e));
        return -ENOTSUP;
    }
    ppc_set(vm, UC_PPC_REG_1, PPC_STACK_TOP); /* the back chain word there is 0 */
    ppc_set(vm, UC_PPC_REG_3, PPC_FDT);
    ppc_set(vm, UC_PPC_REG_6, PPC_EPAPR_MAGIC);
    ppc_set(vm, UC_PPC_REG_7, vm->mem.size); /* the initial mapped area: all of RAM, real mode */
    /* Supervisor, translation off, external interrupts off, vectors at 0; 64-bit: SF (and HV,
     * kept from ctxpatch.c). The decrementer starts at its largest positive value. */
    ppc_set(vm, UC_PPC_REG_MSR, pvm->is64 ? (MSR_SF | MSR_ME) : MSR_ME);
    ppc_reg_write(v, PPC_DEC, 0x7FFFFFFF);
    ppc_set(vm, UC_PPC_REG_PC, vm->entry);
    if (vm->outcome.kind != OUTCOME_NONE) {
        snprintf(err, errlen, "cannot set the PowerPC entry state: %s", vm->outcome.reason);
        return -EINVAL;
    }
    return 0;
}
