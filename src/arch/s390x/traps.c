/* s390x's use of the core's instruction traps (src/core/insn_traps.c): Unicorn executes
 * DIAGNOSE as a no-op, so every DIAGNOSE that runs must be trapped by address; a trapped site
 * records EXIT_HYPERCALL. And the priming run the engine needs before it reports translations. */
#include <errno.h>
#include <string.h>

#include "arch/s390x/s390x.h"

int s390_traps_init(struct vm *vm, char *err, size_t errlen)
{
    struct s390_vm *s = vm->arch_state;
    const struct insn_trap_config cfg = {
        .scan = s390_scan_diag,
        .exit = {[S390_SITE_DIAG] = EXIT_HYPERCALL},
        .what = "DIAGNOSE",
        .trace_name = "diag_site",
    };
    return insn_traps_init(&s->traps, vm, &cfg, err, errlen);
}

/* The engine reports a new translation only once some block has run to its end (it remembers
 * the last block that returned normally, never forgets it, and reports nothing while there is
 * none; a stop from a hook leaves the block by a long jump, which does not count). Run one block
 * to its end, a jump into an exit address, so that the guest's very first block is reported
 * too. (A jump to the next instruction would not end the block: the translator folds it.) */
int s390_traps_prime(struct vm *vm)
{
    static const uint8_t stub[10] = {0xA7, 0xF4, 0x00, 0x04, /* j .+8 */
                                     0x07, 0x00, 0x07, 0x00, /* bcr 0,0 (skipped) */
                                     0x07, 0x00};            /* the exit, never run */
    static const uint8_t zero[sizeof(stub)] = {0};
    uint64_t mask = PSW_MASK_64, exit_at = S390_PRIME_STUB + 8;
    if (gmem_write(&vm->mem, S390_PRIME_STUB, stub, sizeof(stub)) != 0 ||
        uc_reg_write(vm->uc, UC_S390X_REG_PSWM, &mask) != UC_ERR_OK ||
        uc_ctl_set_exits(vm->uc, &exit_at, 1) != UC_ERR_OK)
        return -EINVAL;
    uc_err e = uc_emu_start(vm->uc, S390_PRIME_STUB, 0, 0, 0);
    uint64_t pc = 0;
    if (e == UC_ERR_OK)
        e = uc_reg_read(vm->uc, UC_S390X_REG_PC, &pc);
    if (uc_ctl_set_exits(vm->uc, NULL, 0) != UC_ERR_OK ||
        uc_ctl_remove_cache(vm->uc, S390_PRIME_STUB, S390_PRIME_STUB + sizeof(stub)) != UC_ERR_OK ||
        gmem_write(&vm->mem, S390_PRIME_STUB, zero, sizeof(zero)) != 0)
        e = UC_ERR_EXCEPTION;
    return e == UC_ERR_OK && pc == exit_at ? 0 : -EINVAL;
}
