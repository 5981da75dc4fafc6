/* A VM for fuzz targets that reach handlers and devices (created once per process, because an
 * engine costs milliseconds), and the per-input reset of what those inputs may change. */
#ifndef SOFTKVM_TESTS_FUZZ_VM_H
#define SOFTKVM_TESTS_FUZZ_VM_H

#include "fuzz.h"
#include "softkvm/arch.h"
#include "softkvm/vm.h"

extern const struct arch_ops x86_64_arch_ops, ppc_arch_ops, ppc64_arch_ops, s390x_arch_ops;

#define FUZZ_RAM_MIB 16
#define FUZZ_ENTRY   0x100000ULL

/* A booted VM of ops with ncpus vCPUs, its console and trace going to /dev/null; aborts if the
 * VM cannot be made (a broken build, not a finding). */
static inline struct vm *fuzz_vm_new(const struct arch_ops *ops, unsigned ncpus)
{
    FILE *devnull = fopen("/dev/null", "w");
    struct vm_config cfg = {.ram_mib = FUZZ_RAM_MIB,
                            .ncpus = ncpus,
                            .console = devnull,
                            .hypercall_patching = true,
                            .trace_path = "/dev/null"};
    struct vm *vm;
    char err[512];
    if (devnull == NULL || vm_create(&vm, ops, &cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz: cannot create the VM: %s\n", err);
        abort();
    }
    vm->entry = FUZZ_ENTRY;
    if (vm_boot(vm, err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz: cannot boot the VM: %s\n", err);
        abort();
    }
    return vm;
}

/* Undo what one input's handlers may have ended: the outcome, halted vCPUs, a pending stop. */
static inline void fuzz_vm_reset(struct vm *vm)
{
    memset(&vm->outcome, 0, sizeof(vm->outcome));
    for (unsigned i = 0; i < vm->ncpus; i++) {
        vm->vcpus[i].state = VCPU_RUNNABLE;
        vm->vcpus[i].exit.kind = EXIT_NONE;
        vm->vcpus[i].pv_unhalted = false;
    }
    vm->running = &vm->vcpus[0];
    vm->yield_to = NULL;
    vm->resched = false;
}

#endif
