/* The x86-64 backend's engine glue: engine setup, hooks that record exits, exit dispatch. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/x86.h"
#include "softkvm/arch.h"
#include "softkvm/trace.h"
#include "softkvm/engine_check.h"
#include "softkvm/engine_init.h"

#define RF_IF (1ULL << 9)

static struct vcpu *cur(struct vm *vm)
{
    return vm->running != NULL ? vm->running : &vm->vcpus[0];
}

static uint64_t x86_get_pc(struct vcpu *v)
{
    uint64_t rip = 0;
    ENGINE_OK(v->vm, uc_reg_read(v->vm->uc, UC_X86_REG_RIP, &rip));
    return rip;
}

static bool hook_invalid(uc_engine *uc, void *user)
{
    struct vcpu *v = cur(user);
    v->exit.kind = EXIT_INVALID_INSN;
    return false; /* the engine stops with UC_ERR_INSN_INVALID whatever we return */
}

static void hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
    struct vcpu *v = cur(user);
    v->exit.kind = EXIT_EXCEPTION;
    v->exit.intno = intno;
    uc_emu_stop(uc);
}

static bool hook_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                          void *user)
{
    struct vcpu *v = cur(user);
    v->exit.kind = EXIT_MEM_FAULT;
    v->exit.addr = addr;
    v->exit.access = type;
    return false;
}

/* The CPU's I/O permission check: CPL <= IOPL, else the TSS I/O bitmap must allow every port
 * of the access. (The engine does not make it.) */
static bool pio_allowed(struct vm *vm, uint32_t port, int size)
{
    static const int ids[] = {UC_X86_REG_CR0, UC_X86_REG_RFLAGS, UC_X86_REG_CS};
    uint64_t cr0 = 0, rflags = 0, cs = 0;
    void *vals[] = {&cr0, &rflags, &cs};
    ENGINE_OK(vm, uc_reg_read_batch(vm->uc, ids, vals, 3));
    bool v86 = rflags & (1ULL << 17);
    if (!(cr0 & 1) || (!v86 && (cs & 3) <= ((rflags >> 12) & 3)))
        return true;
    uc_x86_mmr tr = {0};
    ENGINE_OK(vm, uc_reg_read(vm->uc, UC_X86_REG_TR, &tr));
    struct x86_mmu mmu;
    x86_read_mmu(vm, &mmu);
    uint16_t base;
    uint8_t bits[2];
    uint64_t fla;
    uint32_t pfec;
    if (tr.limit < 0x67 ||
        x86_read_virt(&vm->mem, &mmu, tr.base + 0x66, &base, 2, false, &fla, &pfec) != 0 ||
        (uint64_t)base + port / 8 + 1 > tr.limit ||
        x86_read_virt(&vm->mem, &mmu, tr.base + base + port / 8, bits, 2, false, &fla, &pfec) != 0)
        return false;
    uint32_t map = bits[0] | ((uint32_t)bits[1] << 8), mask = ((1u << size) - 1) << (port & 7);
    return (map & mask) == 0;
}

/* A denied IN/OUT: the engine completes the instruction, so remember the state before it and
 * turn it into #GP(0) at the instruction when the engine stops. */
static void pio_fault(struct vm *vm)
{
    struct vcpu *v = cur(vm);
    struct x86_vcpu *xv = v->arch;
    ENGINE_OK(vm, uc_reg_read(vm->uc, UC_X86_REG_RIP, &xv->pio_fault_rip));
    ENGINE_OK(vm, uc_reg_read(vm->uc, UC_X86_REG_RAX, &xv->pio_fault_rax));
    v->exit.kind = EXIT_ARCH;
    v->exit.intno = X86_GP;
    uc_emu_stop(vm->uc);
}

static uint32_t hook_in(uc_engine *uc, uint32_t port, int size, void *user)
{
    struct vm *vm = user;
    uint64_t val;
    if (!pio_allowed(vm, port, size)) {
        pio_fault(vm);
        return 0;
    }
    vm->stats.pio++;
    iobus_read(vm, &vm->pio, port, (unsigned)size, &val);
    if (trace_enabled(vm)) {
        static const char *const keys[] = {"port", "size", "value"};
        const uint64_t vals[] = {port, (uint64_t)size, val};
        trace_event(vm, cur(vm)->id, x86_get_pc(cur(vm)), "pio_in", 3, keys, vals);
    }
    return (uint32_t)val;
}

static void hook_out(uc_engine *uc, uint32_t port, int size, uint32_t value, void *user)
{
    struct vm *vm = user;
    if (!pio_allowed(vm, port, size)) {
        pio_fault(vm);
        return;
    }
    vm->stats.pio++;
    if (trace_enabled(vm)) {
        static const char *const keys[] = {"port", "size", "value"};
        const uint64_t vals[] = {port, (uint64_t)size, value};
        trace_event(vm, cur(vm)->id, x86_get_pc(cur(vm)), "pio_out", 3, keys, vals);
    }
    iobus_write(vm, &vm->pio, port, (unsigned)size, value);
}

static int x86_init(struct vm *vm, char *err, size_t errlen)
{
    if (vm->cfg.cpu_model != NULL || vm->cfg.hcall_style != NULL) {
        snprintf(err, errlen, "%s is not an x86-64 option (x86 uses --cpu-vendor)",
                 vm->cfg.cpu_model != NULL ? "--cpu" : "--hcall-style");
        return -EINVAL;
    }
    int rc = engine_init_arch_state(vm, sizeof(struct x86_vm), err, errlen);
    if (rc != 0)
        return rc;
    struct x86_vm *xvm = vm->arch_state;
    rc = x86_ctx_calibrate(&xvm->layout, err, errlen);
    if (rc == 0)
        rc = engine_init_open(vm, UC_ARCH_X86, UC_MODE_64, -1, "x86-64", NULL, err, errlen);
    /* The live state is searched while the engine is at its power-on state. */
    if (rc == 0 && !vm->cfg.engine_api_only) /* else (or when not found) the register API only */
        rc = engine_init_live(x86_live_find(vm->uc, &xvm->layout, &xvm->live), err, errlen);
    if (rc != 0)
        return rc;
    if (vm->ncpus > 1 && (uc_context_alloc(vm->uc, &xvm->reset_ctx) != UC_ERR_OK ||
                          uc_context_save(vm->uc, xvm->reset_ctx) != UC_ERR_OK)) {
        snprintf(err, errlen, "out of host memory for vCPU state");
        return -ENOMEM;
    }
    rc = engine_init_ram(vm, err, errlen);
    if (rc != 0)
        return rc;
    uc_hook h;
    uc_err e = uc_hook_add(vm->uc, &h, UC_HOOK_INSN_INVALID, (void *)hook_invalid, vm, 1, 0);
    if (e == UC_ERR_OK)
        e = uc_hook_add(vm->uc, &h, UC_HOOK_INTR, (void *)hook_intr, vm, 1, 0);
    if (e == UC_ERR_OK)
        e = uc_hook_add(vm->uc, &h, UC_HOOK_MEM_UNMAPPED, (void *)hook_unmapped, vm, 1, 0);
    if (e == UC_ERR_OK)
        e = uc_hook_add(vm->uc, &h, UC_HOOK_INSN, (void *)hook_in, vm, 1, 0, UC_X86_INS_IN);
    if (e == UC_ERR_OK)
        e = uc_hook_add(vm->uc, &h, UC_HOOK_INSN, (void *)hook_out, vm, 1, 0, UC_X86_INS_OUT);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "Unicorn refused a hook: %s", uc_strerror(e));
        return -ENOTSUP;
    }
    rc = engine_init_vcpus(vm, sizeof(struct x86_vcpu), err, errlen);
    if (rc != 0)
        return rc;
    for (unsigned i = 0; i < vm->ncpus; i++) {
        struct x86_vcpu *xv = vm->vcpus[i].arch;
        if (uc_context_alloc(vm->uc, &xv->scratch) != UC_ERR_OK) {
            snprintf(err, errlen, "out of host memory for vCPU state");
            return -ENOMEM;
        }
        xv->live = xvm->live;
    }
    rc = x86_cpuid_install(vm, err, errlen);
    if (rc == 0)
        rc = engine_init_services(vm, x86_hypercalls_init, lapic_init,
                                  "x86 hypercalls and local APICs", err, errlen);
    return rc;
}

static void x86_set_pc(struct vcpu *v, uint64_t pc)
{
    ENGINE_OK(v->vm, uc_reg_write(v->vm->uc, UC_X86_REG_RIP, &pc));
}

static const char *access_name(int type)
{
    switch (type) {
    case UC_MEM_WRITE_UNMAPPED:
        return "write";
    case UC_MEM_FETCH_UNMAPPED:
        return "instruction fetch";
    default:
        return "read";
    }
}

static void x86_classify(struct vcpu *v, int err)
{
    struct vm *vm = v->vm;
    v->exit.pc = x86_get_pc(v);
    if (v->exit.kind != EXIT_NONE)
        return;
    if (err == UC_ERR_OK) {
        /* HLT ends emulation without an error, with RIP past the F4 byte. */
        struct x86_regs r;
        x86_read_regs(vm, &r);
        struct x86_mmu mmu = {r.cr0, r.cr3, r.cr4, r.efer};
        uint64_t la = x86_cs_base(vm, &r) + r.rip - 1;
        uint8_t b = 0;
        uint64_t fla;
        uint32_t pfec;
        if (r.rip > 0 && x86_read_virt(&vm->mem, &mmu, la, &b, 1, false, &fla, &pfec) == 0 &&
            b == 0xF4)
            v->exit.kind = EXIT_HALT;
        return;
    }
    if (err == UC_ERR_FETCH_PROT) {
        /* KVM cannot run code from device memory either: its emulator gives up and the VMM
         * reports an internal error. */
        vm_stop(vm, OUTCOME_GUEST_CRASH, 0,
                "vCPU %u: instruction fetch from device memory (MMIO) at RIP 0x%llx", v->id,
                (unsigned long long)v->exit.pc);
        return;
    }
    vm_stop(vm, OUTCOME_HOST_ERROR, 0, "vCPU %u: engine error at RIP 0x%llx: %s", v->id,
            (unsigned long long)v->exit.pc, uc_strerror((uc_err)err));
}

static void x86_handle_exit(struct vcpu *v)
{
    struct vm *vm = v->vm;
    switch (v->exit.kind) {
    case EXIT_INVALID_INSN:
        if (!x86_handle_hypercall(v))
            x86_deliver_exception(v, X86_UD, false, 0, false, 0);
        break;
    case EXIT_EXCEPTION: {
        uint32_t ec;
        bool soft;
        x86_last_exception_info(v, &ec, &soft);
        unsigned vec = v->exit.intno;
        if (vec > 255) {
            vm_stop(vm, OUTCOME_HOST_ERROR, 0, "vCPU %u: engine reported internal event %u", v->id,
                    vec);
            break;
        }
        uint64_t cr2 = 0;
        if (vec == X86_PF && !soft)
            ENGINE_OK(vm, uc_reg_read(vm->uc, UC_X86_REG_CR2, &cr2));
        x86_deliver_exception(v, vec, !soft && x86_vector_has_error_code(vec), ec, soft, cr2);
        break;
    }
    case EXIT_ARCH: {
        /* A denied port access (pio_fault): undo what the engine completed, raise #GP(0). */
        struct x86_vcpu *xv = v->arch;
        ENGINE_OK(vm, uc_reg_write(vm->uc, UC_X86_REG_RIP, &xv->pio_fault_rip));
        ENGINE_OK(vm, uc_reg_write(vm->uc, UC_X86_REG_RAX, &xv->pio_fault_rax));
        x86_deliver_exception(v, X86_GP, true, 0, false, 0);
        break;
    }
    case EXIT_MEM_FAULT:
        v->exit.pc = x86_get_pc(v);
        vm_stop(vm, OUTCOME_GUEST_CRASH, 0,
                "vCPU %u: %s of unmapped guest-physical address 0x%llx at RIP 0x%llx", v->id,
                access_name(v->exit.access), (unsigned long long)v->exit.addr,
                (unsigned long long)v->exit.pc);
        break;
    default:
        break;
    }
}

static bool x86_interrupts_enabled(struct vcpu *v)
{
    uint64_t rflags = 0;
    ENGINE_OK(v->vm, uc_reg_read(v->vm->uc, UC_X86_REG_RFLAGS, &rflags));
    return (rflags & RF_IF) != 0;
}

static void x86_destroy(struct vm *vm)
{
    for (unsigned i = 0; i < vm->ncpus; i++) {
        struct x86_vcpu *xv = vm->vcpus[i].arch;
        if (xv != NULL && xv->scratch != NULL)
            uc_context_free(xv->scratch);
        free(xv);
        vm->vcpus[i].arch = NULL;
    }
    struct x86_vm *xvm = vm->arch_state;
    if (xvm != NULL && xvm->reset_ctx != NULL)
        uc_context_free(xvm->reset_ctx);
    free(vm->arch_state);
    vm->arch_state = NULL;
}

const struct arch_ops x86_64_arch_ops = {
    .name = "x86_64",
    .elf_machine = 62, /* EM_X86_64 */
    .elf_class = 2,
    .elf_data = 1,
    .boards = x86_boards,
    .init = x86_init,
    .boot = x86_boot,
    .get_pc = x86_get_pc,
    .set_pc = x86_set_pc,
    .classify = x86_classify,
    .handle_exit = x86_handle_exit,
    .check_interrupts = x86_check_interrupts,
    .inject = x86_inject,
    .interrupts_enabled = x86_interrupts_enabled,
    .dump_regs = x86_dump_regs,
    .regs = x86_gdb_regs,
    .nregs = X86_GDB_NREGS,
    .gdb_arch = "i386:x86-64",
    .gdb_types = x86_gdb_types,
    .reg_read = x86_reg_read,
    .reg_write = x86_reg_write,
    .translate = x86_gdb_translate,
    .arch_exit_name = x86_arch_exit_name,
    .destroy = x86_destroy,
};
