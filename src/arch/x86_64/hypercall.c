/* The x86 hypercall exit: KVM's VMCALL/VMMCALL rules (vendor patching, CPL, width) and dispatch. */
#include <errno.h>
#include <string.h>

#include "arch/x86_64/hypercall_abi.h"
#include "arch/x86_64/x86.h"
#include "softkvm/trace.h"
#include "softkvm/engine_check.h"

#define CR0_PE (1ULL << 0)

/* KVM's emulator path for the other vendor's instruction (arch/x86/kvm/emulate.c). */
static void foreign_hypercall(struct vcpu *v, const struct x86_regs *r, enum x86_hc_insn insn,
                              unsigned cpl, enum x86_hc_insn native)
{
    struct vm *vm = v->vm;
    /* VMMCALL is "Prot": #UD in real mode. VMCALL is "Priv": #GP(0) above CPL 0. */
    if (insn == X86_HC_VMMCALL && !(r->cr0 & CR0_PE)) {
        x86_deliver_exception(v, X86_UD, false, 0, false, 0);
        return;
    }
    if (insn == X86_HC_VMCALL && cpl != 0) {
        x86_deliver_exception(v, X86_GP, true, 0, false, 0);
        return;
    }
    if (!vm->cfg.hypercall_patching) {
        x86_deliver_exception(v, X86_UD, false, 0, false, 0);
        return;
    }
    uint8_t bytes[3];
    x86_hc_encode(native, bytes);
    struct x86_mmu mmu = {r->cr0, r->cr3, r->cr4, r->efer};
    uint64_t fault_la = 0;
    uint32_t pfec = 0;
    /* A write through the guest's page tables at the caller's privilege, as the emulator does:
     * a read-only code page gives the guest #PF (write), not #UD. */
    uint64_t la = x86_cs_base(vm, r) + r->rip;
    int rc = x86_write_virt(&vm->mem, &mmu, la, bytes, 3, cpl == 3, &fault_la, &pfec);
    if (rc == -EFAULT) {
        x86_deliver_exception(v, X86_PF, true, pfec, false, fault_la);
        return;
    }
    if (rc != 0) {
        vm_stop(vm, OUTCOME_GUEST_CRASH, 0,
                "vCPU %u: hypercall instruction at 0x%llx is outside guest RAM", v->id,
                (unsigned long long)r->rip);
        return;
    }
    ENGINE_OK(vm, uc_ctl_remove_cache(vm->uc, la, la + 3));
    vm->stats.patched_hypercalls++;
    if (trace_enabled(vm)) {
        static const char *const keys[] = {"from", "to"};
        const uint64_t vals[] = {insn, native};
        trace_event(vm, v->id, r->rip, "hypercall_patch", 2, keys, vals);
    }
    /* RIP is not advanced: the guest re-executes the now-native instruction. */
}

/* The slow path: full register read, mode from the CS descriptor, bytes through a page walk.
 * Fills *site for the next time. Returns the instruction found at RIP. */
static enum x86_hc_insn decode_site(struct vcpu *v, struct x86_regs *r, struct x86_hc_site *site)
{
    struct vm *vm = v->vm;
    x86_read_regs(vm, r);
    bool mode64;
    unsigned cpl;
    x86_cpu_mode(vm, r, &mode64, &cpl);
    struct x86_mmu mmu = {r->cr0, r->cr3, r->cr4, r->efer};
    uint64_t fault_la;
    uint32_t pfec;
    gpa_t gpa;
    site->valid = false;
    /* The CPU fetched these bytes to raise #UD, so they are mapped. */
    uint64_t la = x86_cs_base(vm, r) + r->rip;
    uint8_t bytes[3];
    if (x86_read_virt(&vm->mem, &mmu, la, bytes, 3, false, &fault_la, &pfec) != 0)
        return X86_HC_NONE;
    enum x86_hc_insn insn = x86_hc_decode(bytes);
    site->rip = r->rip;
    site->cr3 = r->cr3;
    site->cs = r->cs;
    site->mode64 = mode64;
    site->cpl = (uint8_t)cpl;
    /* Cache only sites in flat code whose 3 bytes sit in one page: one host pointer covers them
     * and RIP is the linear address. */
    if (insn != X86_HC_NONE && la == r->rip && (r->rip & 4095) <= 4093 &&
        x86_translate(&vm->mem, &mmu, r->rip, X86_READ, false, &gpa, &pfec) == 0) {
        site->bytes = gmem_ptr(&vm->mem, gpa, 3);
        site->valid = site->bytes != NULL;
    }
    return insn;
}

/* hc_load_args_fn: RBX, RCX, RDX, RSI as the caller's width sees them. */
static void load_args(struct vcpu *v, struct hc_call *call, unsigned n)
{
    const struct x86_live *live = &((struct x86_vcpu *)v->arch)->live;
    uint64_t gpr[5] = {call->nr, 0, 0, 0, 0};
    if (live->regs != NULL) {
        gpr[1] = live->regs[3]; /* QEMU's order: RAX, RCX, RDX, RBX, RSP, RBP, RSI */
        gpr[2] = live->regs[1];
        gpr[3] = live->regs[2];
        gpr[4] = live->regs[6];
    } else {
        static const int ids[] = {UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RSI};
        void *vals[] = {&gpr[1], &gpr[2], &gpr[3], &gpr[4]};
        ENGINE_OK(v->vm, uc_reg_read_batch(v->vm->uc, ids, vals, (int)(n > 4 ? 4 : n)));
    }
    x86_hc_make_call(gpr, call->op_64bit, call->cpl, call);
}

bool x86_handle_hypercall(struct vcpu *v)
{
    struct vm *vm = v->vm;
    struct x86_vcpu *xv = v->arch;
    /* Fast path: RAX, RIP, CS and CR3 from the engine's state (livestate.c; one API batch when
     * that view is absent); a site seen before under the same RIP, CS selector and CR3 whose
     * bytes in guest RAM are still the same instruction needs no page walk and no descriptor
     * read. */
    struct x86_regs r;
    const struct x86_live *live = &xv->live;
    if (live->regs != NULL) {
        r.rax = live->regs[0];
        r.rip = *live->rip;
        r.cs = (uint16_t)*live->cs_sel;
        r.cr3 = *live->cr3;
    } else {
        uint64_t cs = 0;
        static const int ids[] = {UC_X86_REG_RAX, UC_X86_REG_RIP, UC_X86_REG_CS, UC_X86_REG_CR3};
        void *vals[] = {&r.rax, &r.rip, &cs, &r.cr3};
        ENGINE_OK(vm, uc_reg_read_batch(vm->uc, ids, vals, 4));
        r.cs = (uint16_t)cs;
    }
    struct x86_hc_site *site = &xv->sites[(r.rip ^ (r.rip >> 4)) % X86_HC_SITES];
    enum x86_hc_insn insn;
    bool full = false;
    if (site->valid && site->rip == r.rip && site->cs == r.cs && site->cr3 == r.cr3 &&
        (insn = x86_hc_decode(site->bytes)) != X86_HC_NONE) {
        /* hit */
    } else {
        insn = decode_site(v, &r, site);
        full = true;
        if (insn == X86_HC_NONE)
            return false;
    }
    bool mode64 = site->mode64;
    unsigned cpl = site->cpl;
    enum x86_hc_insn native = vm->cfg.vendor == VENDOR_AMD ? X86_HC_VMMCALL : X86_HC_VMCALL;
    if (insn != native) {
        if (!full)
            x86_read_regs(vm, &r); /* the slow path needs every register */
        site->valid = false;
        foreign_hypercall(v, &r, insn, cpl, native);
        return true;
    }
    v->exit.kind = EXIT_HYPERCALL;
    /* The arguments are read only if the handler or the trace wants them (load_args). */
    struct hc_call call;
    call.nr = x86_hc_width(r.rax, mode64);
    call.op_64bit = mode64;
    call.cpl = cpl;
    struct hc_result res;
    enum hc_action act =
        hc_dispatch(vm, v, &vm->hc[0], &call, cpl != 0 ? -KVM_EPERM : 0, r.rip, 4, load_args, &res);
    if (act == HC_FAULT)
        return true;
    uint64_t rax = x86_hc_rax(res.ret, mode64);
    if (live->regs != NULL)
        live->regs[0] = rax;
    else
        ENGINE_OK(vm, uc_reg_write(vm->uc, UC_X86_REG_RAX, &rax));
    /* RIP is written by the next uc_emu_start (or by vcpu_sync_pc before anything reads it). */
    v->pc_known = true;
    v->next_pc = r.rip + 3;
    if (act == HC_HALT)
        vcpu_halt(v);
    else if (act == HC_YIELD)
        vm->resched = true;
    return true;
}
