/* Unit-test helper: a booted VM on a real engine, console to /dev/null, for tests of a backend. */
#ifndef SOFTKVM_TEST_VM_H
#define SOFTKVM_TEST_VM_H

#include <stdio.h>

#include "softkvm/arch.h"
#include "softkvm/vm.h"

/* A 16 MiB, one-vCPU VM of ops, booted with its entry at entry; NULL (reason on stderr) if it
 * cannot be made. api_only: vm_config.engine_api_only. Release with test_vm_release. */
static inline struct vm *test_vm_boot(const struct arch_ops *ops, bool api_only, uint64_t entry)
{
    struct vm_config cfg = {.ram_mib = 16, .ncpus = 1, .console = fopen("/dev/null", "w")};
    cfg.engine_api_only = api_only;
    struct vm *vm = NULL;
    char err[512];
    if (cfg.console == NULL)
        return NULL;
    if (vm_create(&vm, ops, &cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        fclose(cfg.console);
        return NULL;
    }
    vm->entry = entry;
    if (vm_boot(vm, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        vm_destroy(vm);
        fclose(cfg.console);
        return NULL;
    }
    return vm;
}

/* Destroy a VM from test_vm_boot and close its console. */
static inline void test_vm_release(struct vm *vm)
{
    FILE *console = vm->cfg.console;
    vm_destroy(vm);
    fclose(console);
}

#endif
