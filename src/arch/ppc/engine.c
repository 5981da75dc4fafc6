/* The PowerPC backend's engine glue (ppc and ppc64): engine setup, hooks that record exits, exit
 * dispatch, and the two arch_ops. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/ppc/ppc.h"
#include "softkvm/arch.h"
#include "softkvm/engine_check.h"
#include "softkvm/engine_init.h"

struct vcpu *ppc_cur(struct vm *vm)
{
    return vm->running != NULL ? vm->running : &vm->vcpus[0];
}

uint64_t ppc_get(struct vm *vm, int regid)
{
    uint64_t v = 0; /* ppc32 reads fill the low 4 bytes only */
    ENGINE_OK(vm, uc_reg_read(vm->uc, regid, &v));
    return ppc_vm_of(vm)->is64 ? v : (v & 0xFFFFFFFFULL);
}

void ppc_set(struct vm *vm, int regid, uint64_t v)
{
    ENGINE_OK(vm, uc_reg_write(vm->uc, regid,
                               &v)); /* ppc32 writes take the low 4 bytes (little-endian host) */
}

uint64_t ppc_resume_pc(struct vcpu *v)
{
    return v->pc_known ? v->next_pc : ppc_get(v->vm, UC_PPC_REG_PC);
}

/* user: the (only) vCPU. */
static void hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
    struct vcpu *v = user;
    struct ppc_vcpu *pv = v->arch;
    if (pv->in_stub) {
        pv->stub_done = true;
        pv->stub_intno = intno;
    } else {
        v->exit.kind = EXIT_EXCEPTION;
        v->exit.intno = intno;
    }
    uc_emu_stop(uc);
}

static bool hook_mem_fault(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                           void *user)
{
    struct vcpu *v = user;
    struct ppc_vcpu *pv = v->arch;
    if (!pv->in_stub) {
        v->exit.kind = EXIT_MEM_FAULT;
        v->exit.addr = addr;
        v->exit.access = type;
        uint64_t pc = 0;
        ENGINE_OK(v->vm, uc_reg_read(uc, UC_PPC_REG_PC, &pc));
        v->exit.pc = pc; /* the faulting instruction (Unicorn 2.1.4 keeps the PC precise here) */
    }
    return false;
}

static const char *hcall_style_name(const struct vm *vm, enum ppc_hcall_style *style)
{
    const char *s = vm->cfg.hcall_style;
    *style = PPC_HCALL_PR;
    if (s == NULL || strcmp(s, "pr") == 0)
        return NULL;
    if (strcmp(s, "hv") == 0) {
        *style = PPC_HCALL_HV;
        return NULL;
    }
    return s;
}

static int ppc_init_common(struct vm *vm, bool is64, char *err, size_t errlen)
{
    if (vm->ncpus != 1) {
        snprintf(err, errlen, "PowerPC guests run on one vCPU (softkvm has no PowerPC SMP yet)");
        return -EINVAL;
    }
    int rc = engine_init_arch_state(vm, sizeof(struct ppc_vm), err, errlen);
    if (rc != 0)
        return rc;
    struct ppc_vm *pvm = vm->arch_state;
    pvm->is64 = is64;
    pvm->real_mask = is64 ? 0x0FFFFFFFFFFFFFFFULL : 0xFFFFFFFFULL;
    pvm->model = ppc_cpu_model_find(vm->cfg.cpu_model, is64, err, errlen);
    if (pvm->model == NULL)
        return -EINVAL;
    const char *bad = hcall_style_name(vm, &pvm->style);
    if (bad != NULL) {
        snprintf(err, errlen, "--hcall-style %s: PowerPC takes 'pr' or 'hv'", bad);
        return -EINVAL;
    }
    uc_mode mode = (is64 ? UC_MODE_PPC64 : UC_MODE_PPC32) | UC_MODE_BIG_ENDIAN;
    rc = engine_init_open(vm, UC_ARCH_PPC, mode, pvm->model->uc_model, is64 ? "ppc64" : "ppc",
                          pvm->model->name, err, errlen);
    if (rc == 0)
        rc = engine_init_ram(vm, err, errlen);
    if (rc == 0)
        rc = engine_init_vcpus(vm, sizeof(struct ppc_vcpu), err, errlen);
    if (rc != 0)
        return rc;
    struct ppc_vcpu *pv = vm->vcpus[0].arch;
    if (ppc_dec_timer_register(&vm->vcpus[0]) != 0) {
        snprintf(err, errlen, "cannot register the decrementer's timer");
        return -ENOMEM;
    }
    vm->running = &vm->vcpus[0];
    uc_hook h;
    uc_err e = uc_hook_add(vm->uc, &h, UC_HOOK_INTR, (void *)hook_intr, &vm->vcpus[0], 1, 0);
    if (e == UC_ERR_OK)
        e = uc_hook_add(vm->uc, &h,
                        UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_WRITE_PROT | UC_HOOK_MEM_FETCH_PROT,
                        (void *)hook_mem_fault, &vm->vcpus[0], 1, 0);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "Unicorn refused a hook: %s", uc_strerror(e));
        return -ENOTSUP;
    }
    if (is64 && ppc64_ctx_patch(vm, err, errlen) != 0)
        return -ENOTSUP;
    /* Supervisor, real mode, vectors at 0 (the 7457A resets with MSR[IP] set). */
    uint64_t msr = is64 ? (MSR_SF | MSR_ME) : MSR_ME;
    if (!vm->cfg.engine_api_only) /* else (or when not found) the register API only */
        rc = engine_init_live(ppc_live_find(vm->uc, is64, msr & ~MSR_ME, msr, &pv->live), err,
                              errlen);
    if (rc != 0)
        return rc;
    ppc_set(vm, UC_PPC_REG_MSR, msr);
    pvm->pvr = 0;
    if (ppc_stubs_init(vm, err, errlen) != 0)
        return -ENOTSUP;
    return engine_init_services(vm, ppc_hypercalls_init, ppc_irq_line_init,
                                "PowerPC hypercalls and devices", err, errlen);
}

static int ppc32_init(struct vm *vm, char *err, size_t errlen)
{
    return ppc_init_common(vm, false, err, errlen);
}

static int ppc64_init(struct vm *vm, char *err, size_t errlen)
{
    return ppc_init_common(vm, true, err, errlen);
}

static uint64_t ppc_get_pc(struct vcpu *v)
{
    return ppc_get(v->vm, UC_PPC_REG_PC);
}

static void ppc_set_pc(struct vcpu *v, uint64_t pc)
{
    ppc_set(v->vm, UC_PPC_REG_PC, pc);
}

static void ppc_classify(struct vcpu *v, int err)
{
    struct vm *vm = v->vm;
    v->exit.pc = ppc_get_pc(v);
    if (v->exit.kind != EXIT_NONE)
        return;
    if (err == UC_ERR_OK) {
        /* The engine ended on its own: a power-saving instruction (nap, doze, stop...) halted
         * the CPU. softkvm treats it as idle; without this the engine would return at once on
         * every later start. */
        v->exit.kind = EXIT_ARCH;
        return;
    }
    vm_stop(vm, OUTCOME_HOST_ERROR, 0, "vCPU %u: engine error at PC 0x%llx: %s", v->id,
            (unsigned long long)v->exit.pc, uc_strerror((uc_err)err));
}

static void ppc_handle_exit(struct vcpu *v)
{
    switch (v->exit.kind) {
    case EXIT_EXCEPTION:
        if (v->exit.intno == PPC_EXCP_SYSCALL)
            ppc_handle_sc(v);
        else
            ppc_handle_exception(v, v->exit.intno);
        break;
    case EXIT_MEM_FAULT:
        ppc_handle_mem_fault(v);
        break;
    case EXIT_ARCH:
        ppc_idle(v);
        break;
    default:
        break;
    }
}

static void ppc_destroy(struct vm *vm)
{
    struct ppc_vm *pvm = vm->arch_state;
    if (vm->vcpus[0].arch != NULL) {
        if (vm->uc != NULL) {
            ppc_irq_release(vm);
            ppc_magic_release(&vm->vcpus[0]);
        }
        free(vm->vcpus[0].arch);
        vm->vcpus[0].arch = NULL;
    }
    if (pvm != NULL && vm->uc != NULL) {
        /* Close the engine here: it holds pointers to the stub page and the timebase state. */
        uc_close(vm->uc);
        vm->uc = NULL;
    }
    if (pvm != NULL) {
        free(pvm->stub_page);
        free(pvm->tb_env);
        free(pvm);
    }
    vm->arch_state = NULL;
}

/* ppc and ppc64 differ in their ELF identity and engine mode (init) only. */
#define PPC_ARCH_OPS(arch_name, machine, class, init_fn, gdb_regs, gdb_name)                       \
    {                                                                                              \
        .name = arch_name, .elf_machine = machine, .elf_class = class, .elf_data = 2,              \
        .boards = ppc_boards, .init = init_fn, .boot = ppc_boot, .get_pc = ppc_get_pc,             \
        .set_pc = ppc_set_pc, .classify = ppc_classify, .handle_exit = ppc_handle_exit,            \
        .check_interrupts = ppc_check_interrupts, .inject = ppc_inject,                            \
        .interrupts_enabled = ppc_interrupts_enabled, .dump_regs = ppc_dump_regs,                  \
        .regs = gdb_regs, .nregs = PPC_GDB_NREGS, .gdb_arch = gdb_name,                            \
        .reg_read = ppc_gdb_reg_read, .reg_write = ppc_gdb_reg_write,                              \
        .translate = ppc_gdb_translate, .destroy = ppc_destroy,                                    \
    }

const struct arch_ops ppc_arch_ops =
    PPC_ARCH_OPS("ppc", 20 /* EM_PPC */, 1, ppc32_init, ppc32_gdb_regs, "powerpc:common");
const struct arch_ops ppc64_arch_ops =
    PPC_ARCH_OPS("ppc64", 21 /* EM_PPC64 */, 2, ppc64_init, ppc64_gdb_regs, "powerpc:common64");
