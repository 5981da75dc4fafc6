/* The init steps the backends share (include/softkvm/engine_init.h). */
#include "softkvm/engine_init.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "softkvm/vm.h"

int engine_init_arch_state(struct vm *vm, size_t size, char *err, size_t errlen)
{
    vm->arch_state = calloc(1, size);
    if (vm->arch_state == NULL) {
        snprintf(err, errlen, "out of host memory");
        return -ENOMEM;
    }
    return 0;
}

int engine_init_open(struct vm *vm, uc_arch arch, uc_mode mode, int cpu_model, const char *name,
                     const char *model_name, char *err, size_t errlen)
{
    if (uc_open(arch, mode, &vm->uc) != UC_ERR_OK) {
        vm->uc = NULL;
        snprintf(err, errlen, "Unicorn cannot create an engine for %s", name);
        return -ENOTSUP;
    }
    if (cpu_model >= 0 && uc_ctl_set_cpu_model(vm->uc, cpu_model) != UC_ERR_OK) {
        snprintf(err, errlen, "Unicorn refused CPU model %s", model_name);
        return -ENOTSUP;
    }
    return 0;
}

int engine_init_ram(struct vm *vm, char *err, size_t errlen)
{
    int rc = vm_map_ram(vm, err, errlen);
    if (rc != 0)
        return rc;
    if (uc_ctl_exits_enable(vm->uc) != UC_ERR_OK) {
        snprintf(err, errlen, "Unicorn refused to enable exits");
        return -ENOTSUP;
    }
    return 0;
}

int engine_init_vcpus(struct vm *vm, size_t size, char *err, size_t errlen)
{
    for (unsigned i = 0; i < vm->ncpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        v->arch = calloc(1, size);
        if (v->arch == NULL || (vm->ncpus > 1 && uc_context_alloc(vm->uc, &v->ctx) != UC_ERR_OK)) {
            snprintf(err, errlen, "out of host memory for vCPU state");
            return -ENOMEM;
        }
    }
    return 0;
}

int engine_init_live(int rc, char *err, size_t errlen)
{
    if (rc == 0 || rc == -ENOENT)
        return 0;
    snprintf(err, errlen, "the engine failed while its CPU state was located: %s", strerror(-rc));
    return rc;
}

int engine_init_services(struct vm *vm, int (*first)(struct vm *), int (*second)(struct vm *),
                         const char *what, char *err, size_t errlen)
{
    int rc = first(vm);
    if (rc == 0 && second != NULL)
        rc = second(vm);
    if (rc != 0)
        snprintf(err, errlen, "cannot set up the %s: %s", what, strerror(-rc));
    return rc;
}
