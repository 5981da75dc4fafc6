/* The steps every backend's init shares (open the engine, map RAM, allocate VM and vCPU state,
 * the live-state search's outcome, hypercalls), written once. Each returns 0 or a
 * negative errno with one line in err; the backend's destroy releases what they allocated. */
#ifndef SOFTKVM_ENGINE_INIT_H
#define SOFTKVM_ENGINE_INIT_H

#include <stddef.h>
#include <unicorn/unicorn.h>

struct vm;

/* vm->arch_state = size zeroed bytes. -ENOMEM. */
int engine_init_arch_state(struct vm *vm, size_t size, char *err, size_t errlen);

/* Open vm->uc for arch/mode (name: the arch in messages), and select cpu_model when it is >= 0
 * (model_name in messages). -ENOTSUP. */
int engine_init_open(struct vm *vm, uc_arch arch, uc_mode mode, int cpu_model, const char *name,
                     const char *model_name, char *err, size_t errlen);

/* Map the board's RAM slots (vm_map_ram) and turn the engine's exits on with none listed: the
 * engine runs until a hook stops it. -ENOMEM, -ENOTSUP. */
int engine_init_ram(struct vm *vm, char *err, size_t errlen);

/* Give every vCPU size zeroed bytes of arch state (vcpu->arch) and, with more than one vCPU, an
 * engine context to hold its state while another runs (vcpu->ctx). -ENOMEM. */
int engine_init_vcpus(struct vm *vm, size_t size, char *err, size_t errlen);

/* The outcome rc of the backend's live-state search: -ENOENT (not found: the register API is
 * used) is not an error and gives 0; any other failure is returned with a line in err. */
int engine_init_live(int rc, char *err, size_t errlen);

/* Run first (the arch's hypercall tables), then second when not NULL (its interrupt
 * controllers or lines). A failure's errno is returned with "cannot set up the WHAT" in err. */
int engine_init_services(struct vm *vm, int (*first)(struct vm *), int (*second)(struct vm *),
                         const char *what, char *err, size_t errlen);

#endif
