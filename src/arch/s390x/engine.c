/* The s390x backend's engine glue: engine setup, the hooks that record exits, exit dispatch. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "arch/s390x/s390x.h"
#include "softkvm/arch.h"
#include "softkvm/engine_init.h"
#include "softkvm/engine_check.h"

struct vcpu *s390_cur(struct vm *vm)
{
    return vm->running != NULL ? vm->running : &vm->vcpus[0];
}

/* Program and SVC interruptions: record the class; exceptions.c reads the code and delivers. */
static void hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
    struct vcpu *v = s390_cur(user);
    v->exit.kind = EXIT_EXCEPTION;
    v->exit.intno = intno;
    uc_emu_stop(uc);
}

static int s390_init(struct vm *vm, char *err, size_t errlen)
{
    if (vm->cfg.cpu_model != NULL || vm->cfg.hcall_style != NULL) {
        snprintf(err, errlen, "%s is not an s390x option",
                 vm->cfg.cpu_model != NULL ? "--cpu" : "--hcall-style");
        return -EINVAL;
    }
    if (vm->ncpus != 1) {
        snprintf(err, errlen, "s390x guests run on one vCPU (softkvm has no SIGP to start more)");
        return -EINVAL;
    }
    int rc = engine_init_arch_state(vm, sizeof(struct s390_vm), err, errlen);
    if (rc != 0)
        return rc;
    struct s390_vm *s = vm->arch_state;
    rc = s390_ctx_calibrate(&s->lay, err, errlen);
    if (rc == 0)
        rc =
            engine_init_open(vm, UC_ARCH_S390X, UC_MODE_BIG_ENDIAN, -1, "s390x", NULL, err, errlen);
    /* No memory-access hooks: out of RAM the CPU itself raises addressing exceptions, and
     * access hooks would slow every load and store of the guest. */
    if (rc == 0)
        rc = engine_init_ram(vm, err, errlen);
    if (rc != 0)
        return rc;
    uc_hook h;
    if (uc_hook_add(vm->uc, &h, UC_HOOK_INTR, (void *)hook_intr, vm, 1, 0) != UC_ERR_OK ||
        uc_context_alloc(vm->uc, &s->ctx) != UC_ERR_OK) {
        snprintf(err, errlen, "Unicorn refused an s390x hook");
        return -ENOTSUP;
    }
    rc = s390_traps_init(vm, err, errlen);
    if (rc == 0)
        rc = engine_init_vcpus(vm, sizeof(struct s390_vcpu), err, errlen);
    if (rc != 0)
        return rc;
    struct s390_vcpu *sv = vm->vcpus[0].arch;
    if (!vm->cfg.engine_api_only) /* else (or when not found) the register API only */
        rc = engine_init_live(s390_live_find(vm->uc, &s->lay, &sv->live), err, errlen);
    if (rc == 0)
        rc = engine_init_services(vm, s390_hypercalls_init, NULL, "s390x hypercalls", err, errlen);
    return rc;
}

static uint64_t s390_get_pc(struct vcpu *v)
{
    uint64_t pc = 0;
    ENGINE_OK(v->vm, uc_reg_read(v->vm->uc, UC_S390X_REG_PC, &pc));
    return pc;
}

static void s390_set_pc(struct vcpu *v, uint64_t pc)
{
    ENGINE_OK(v->vm, uc_reg_write(v->vm->uc, UC_S390X_REG_PC, &pc));
}

static void s390_classify(struct vcpu *v, int err)
{
    v->exit.pc = s390_get_pc(v);
    if (v->exit.kind != EXIT_NONE)
        return;
    if (err == UC_ERR_FETCH_PROT) {
        /* A fetch from a device page (the test device, the virtio console): delivered by
         * s390_handle_interruption like the program interruptions the engine reports. */
        v->exit.kind = EXIT_EXCEPTION;
        v->exit.intno = S390_EXCP_FETCH_DEVICE;
        return;
    }
    if (err == UC_ERR_FETCH_UNMAPPED || err == UC_ERR_READ_UNMAPPED ||
        err == UC_ERR_WRITE_UNMAPPED) {
        vm_stop(v->vm, OUTCOME_GUEST_CRASH, 0,
                "vCPU %u: access to nothing mapped at PSW address 0x%" PRIx64 ": %s", v->id,
                v->exit.pc, uc_strerror((uc_err)err));
        return;
    }
    vm_stop(v->vm, OUTCOME_HOST_ERROR, 0, "vCPU %u: the engine stopped at 0x%" PRIx64 ": %s", v->id,
            v->exit.pc, err == UC_ERR_OK ? "no reason recorded" : uc_strerror((uc_err)err));
}

static void s390_handle_exit(struct vcpu *v)
{
    struct s390_vm *s = v->vm->arch_state;
    switch (v->exit.kind) {
    case EXIT_HYPERCALL:
        s390_handle_diag(v);
        break;
    case EXIT_EXCEPTION:
        s390_handle_interruption(v);
        break;
    case EXIT_ARCH:
        if (s->traps.pending)
            insn_traps_handle_pending(&s->traps, v);
        break;
    default:
        break;
    }
}

static bool s390_interrupts_enabled(struct vcpu *v)
{
    uint64_t mask = 0;
    ENGINE_OK(v->vm, uc_reg_read(v->vm->uc, UC_S390X_REG_PSWM, &mask));
    return (mask & (PSW_MASK_IO | PSW_MASK_EXT)) != 0;
}

static void s390_destroy(struct vm *vm)
{
    struct s390_vm *s = vm->arch_state;
    for (unsigned i = 0; i < vm->ncpus; i++) {
        free(vm->vcpus[i].arch);
        vm->vcpus[i].arch = NULL;
    }
    if (s != NULL) {
        insn_traps_release(&s->traps);
        if (s->ctx != NULL)
            uc_context_free(s->ctx);
        free(s);
    }
    vm->arch_state = NULL;
}

const struct arch_ops s390x_arch_ops = {
    .name = "s390x",
    .elf_machine = 22, /* EM_S390 */
    .elf_class = 2,
    .elf_data = 2,
    .boards = s390_boards,
    .init = s390_init,
    .boot = s390_boot,
    .get_pc = s390_get_pc,
    .set_pc = s390_set_pc,
    .classify = s390_classify,
    .handle_exit = s390_handle_exit,
    .check_interrupts = NULL,
    .inject = NULL,
    .interrupts_enabled = s390_interrupts_enabled,
    .dump_regs = s390_dump_regs,
    .regs = s390_gdb_regs,
    .nregs = S390_GDB_NREGS,
    .gdb_arch = "s390:64-bit",
    .reg_read = s390_gdb_reg_read,
    .reg_write = s390_gdb_reg_write,
    .translate = s390_gdb_translate,
    .destroy = s390_destroy,
};
