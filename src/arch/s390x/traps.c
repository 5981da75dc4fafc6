/* Finding and trapping DIAGNOSE call sites. Unicorn executes DIAGNOSE as a no-op, so every
 * DIAGNOSE that runs must be trapped by address. The engine reports each block it translates
 * (UC_HOOK_EDGE_GENERATED, a translation-time callback); the block is decoded from its first
 * instruction, so the DIAGNOSEs found are real instructions, never stray 0x83 bytes. A block
 * holding an untrapped DIAGNOSE is not run: the engine stops, the site gets a one-address code
 * hook, the block's translation is dropped and the block is translated again, now with the hook.
 * Code the guest writes or copies later is retranslated by the engine (its self-modifying-code
 * tracking) and so reported again. Code that makes no hypercalls pays nothing at run time. */
#include <errno.h>
#include <string.h>

#include "arch/s390x/hypercall_abi.h"
#include "arch/s390x/s390x.h"
#include "softkvm/trace.h"

/* Longest block the engine builds: it stops at the end of a page, after one last instruction
 * that may cross into the next. */
#define MAX_BLOCK (SKVM_PAGE_SIZE + 6)

int s390_read_code(struct vm *vm, uint64_t addr, uint8_t *buf, size_t len)
{
    while (len > 0) {
        uint64_t pa;
        if (uc_vmem_translate(vm->uc, addr, UC_PROT_EXEC, &pa) != UC_ERR_OK)
            return -EFAULT;
        size_t chunk = SKVM_PAGE_SIZE - (addr & (SKVM_PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        if (gmem_read(&vm->mem, pa, buf, chunk) != 0)
            return -EFAULT;
        addr += chunk;
        buf += chunk;
        len -= chunk;
    }
    return 0;
}

/* Decode the block [pc, pc + size) into sites (up to max). Returns how many DIAGNOSEs it holds,
 * or -EFAULT when its bytes cannot be read (then the engine could not have translated it from
 * RAM either, and nothing is trapped). */
static long scan_block(struct vm *vm, uint64_t pc, uint64_t size, uint64_t *sites, size_t max)
{
    uint8_t code[MAX_BLOCK];
    if (size > sizeof(code))
        size = sizeof(code);
    if (s390_read_code(vm, pc, code, size) != 0)
        return -EFAULT;
    return (long)s390_scan_diag(code, size, pc, sites, max);
}

/* The code hook at a site: record the exit and stop before the DIAGNOSE executes. The engine
 * has the PSW address and condition code up to date at this point (2.1.4 syncs them before
 * code hooks), so the loop sees exact state. */
static void hook_site(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    struct vcpu *v = s390_cur(user);
    v->exit.kind = EXIT_HYPERCALL;
    v->exit.pc = addr;
    uc_emu_stop(uc);
}

/* A block was translated. If it holds a DIAGNOSE that is not trapped yet, stop before it runs:
 * the engine checks for a stop request between finding a block and running it. */
static void hook_block_translated(uc_engine *uc, uc_tb *cur, uc_tb *prev, void *user)
{
    struct vm *vm = user;
    struct s390_vm *s = vm->arch_state;
    s->blocks_scanned++;
    if (cur->size == 0)
        return;
    uint64_t sites[64];
    long n = scan_block(vm, cur->pc, cur->size, sites, 64);
    for (long i = 0; i < n; i++) {
        if (i >= 64 || s390_sites_find(&s->sites, sites[i]) == NULL) {
            struct vcpu *v = s390_cur(vm);
            struct s390_vcpu *sv = v->arch;
            v->exit.kind = EXIT_ARCH;
            v->exit.pc = cur->pc;
            sv->why = S390_EXIT_NEW_SITES;
            sv->block_pc = cur->pc;
            sv->block_size = cur->size;
            uc_emu_stop(uc);
            return;
        }
    }
}

void s390_traps_new_sites(struct vcpu *v)
{
    struct vm *vm = v->vm;
    struct s390_vm *s = vm->arch_state;
    struct s390_vcpu *sv = v->arch;
    uint64_t sites[MAX_BLOCK / 4];
    long n = scan_block(vm, sv->block_pc, sv->block_size, sites, MAX_BLOCK / 4);
    for (long i = 0; i < n; i++) {
        if (s390_sites_find(&s->sites, sites[i]) != NULL)
            continue;
        uc_hook h;
        if (uc_hook_add(vm->uc, &h, UC_HOOK_CODE, (void *)hook_site, vm, sites[i], sites[i]) !=
            UC_ERR_OK) {
            vm_stop(vm, OUTCOME_HOST_ERROR, 0, "the engine refused a code hook at 0x%llx",
                    (unsigned long long)sites[i]);
            return;
        }
        int rc = s390_sites_add(&s->sites, sites[i], (uintptr_t)h);
        if (rc != 0) {
            uc_hook_del(vm->uc, h);
            vm_stop(vm, OUTCOME_HOST_ERROR, 0,
                    "cannot trap the DIAGNOSE at 0x%llx: %s (at most %d sites)",
                    (unsigned long long)sites[i], rc == -ENOSPC ? "too many sites" : "no memory",
                    S390_MAX_SITES);
            return;
        }
        if (trace_enabled(vm)) {
            static const char *const keys[] = {"site"};
            const uint64_t vals[] = {sites[i]};
            trace_event(vm, v->id, sv->block_pc, "diag_site", 1, keys, vals);
        }
    }
    /* The block was translated without the hooks: translate it again before it runs. */
    uc_ctl_remove_cache(vm->uc, sv->block_pc, sv->block_pc + sv->block_size);
    sv->why = S390_EXIT_NONE;
}

void s390_traps_forget(struct vm *vm, uint64_t addr)
{
    struct s390_vm *s = vm->arch_state;
    struct s390_site *site = s390_sites_find(&s->sites, addr);
    if (site == NULL)
        return;
    /* Deleting the hook also drops every block translated with it. */
    uc_hook_del(vm->uc, (uc_hook)site->hook);
    s390_sites_remove(&s->sites, addr);
    s->sites_removed++;
}

int s390_traps_init(struct vm *vm)
{
    uc_hook h;
    if (uc_hook_add(vm->uc, &h, UC_HOOK_EDGE_GENERATED, (void *)hook_block_translated, vm, 1, 0) !=
        UC_ERR_OK)
        return -ENOTSUP;
    return 0;
}

void s390_traps_release(struct vm *vm)
{
    struct s390_vm *s = vm->arch_state;
    s390_sites_release(&s->sites);
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
    uc_reg_read(vm->uc, UC_S390X_REG_PC, &pc);
    uc_ctl_set_exits(vm->uc, NULL, 0);
    uc_ctl_remove_cache(vm->uc, S390_PRIME_STUB, S390_PRIME_STUB + sizeof(stub));
    gmem_write(&vm->mem, S390_PRIME_STUB, zero, sizeof(zero));
    return e == UC_ERR_OK && pc == exit_at ? 0 : -EINVAL;
}
