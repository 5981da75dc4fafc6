/* SPR access through guest-executed stubs: Unicorn's API has no SPRs, so softkvm runs mfspr/mtspr
 * (ending in sc) from a read-only page it owns, in supervisor real mode, restoring what they touch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/ppc/ppc.h"
#include "softkvm/engine_check.h"

const struct ppc_reg_desc ppc_regs[PPC_NREGS] = {
    [PPC_SPRG0] = {"SPRG0", 272, false, false, false, 32, 8},
    [PPC_SPRG1] = {"SPRG1", 273, false, false, false, 40, 8},
    [PPC_SPRG2] = {"SPRG2", 274, false, false, false, 48, 8},
    [PPC_SPRG3] = {"SPRG3", 275, false, false, false, 56, 8},
    [PPC_SRR0] = {"SRR0", 26, false, false, false, 64, 8},
    [PPC_SRR1] = {"SRR1", 27, false, false, false, 72, 8},
    [PPC_DAR] = {"DAR", 19, false, false, false, 80, 8},
    [PPC_DSISR] = {"DSISR", 18, false, false, false, 96, 4},
    [PPC_PIR] = {"PIR", 1023, false, true, true, 204, 4},
    [PPC_SPRG4] = {"SPRG4", 276, false, true, false, 208, 8},
    [PPC_SPRG5] = {"SPRG5", 277, false, true, false, 216, 8},
    [PPC_SPRG6] = {"SPRG6", 278, false, true, false, 224, 8},
    [PPC_SPRG7] = {"SPRG7", 279, false, true, false, 232, 8},
#define SR(n) [PPC_SR0 + n] = {"SR" #n, n, true, false, false, 104 + 4 * n, 4}
    SR(0),
    SR(1),
    SR(2),
    SR(3),
    SR(4),
    SR(5),
    SR(6),
    SR(7),
    SR(8),
    SR(9),
    SR(10),
    SR(11),
    SR(12),
    SR(13),
    SR(14),
    SR(15),
#undef SR
    [PPC_DEC] = {"DEC", 22, false, false, false, -1, 0},
    [PPC_PVR] = {"PVR", 287, false, false, true, -1, 0},
};

/* GPRs the read-all stub fills, in order (r1 too: everything is restored afterwards). */
static const uint8_t readall_gprs[] = {3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13,
                                       14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
                                       25, 26, 27, 28, 29, 30, 31, 0,  2,  1};

struct stub_writer {
    uint8_t *page;
    unsigned off; /* bytes used */
};

static uint64_t emit(struct stub_writer *w, const uint32_t *insns, unsigned n)
{
    uint64_t at = PPC_STUB_BASE + w->off;
    for (unsigned i = 0; i < n; i++) {
        uint32_t x = insns[i];
        uint8_t *p = w->page + w->off + 4 * i;
        p[0] = (uint8_t)(x >> 24);
        p[1] = (uint8_t)(x >> 16);
        p[2] = (uint8_t)(x >> 8);
        p[3] = (uint8_t)x;
    }
    w->off += 4 * n;
    return at;
}

static uint32_t read_insn(enum ppc_reg r, unsigned gpr)
{
    const struct ppc_reg_desc *d = &ppc_regs[r];
    return d->is_sr ? ppc_insn_mfsr(gpr, d->spr) : ppc_insn_mfspr(gpr, d->spr);
}

static uint32_t write_insn(enum ppc_reg r, unsigned gpr)
{
    const struct ppc_reg_desc *d = &ppc_regs[r];
    return d->is_sr ? ppc_insn_mtsr(d->spr, gpr) : ppc_insn_mtspr(d->spr, gpr);
}

/* The MSR stubs run with: supervisor, real mode, no interrupts, 64-bit on ppc64 (HV kept). */
static uint64_t stub_msr(const struct ppc_vm *pvm, uint64_t guest_msr)
{
    return pvm->is64 ? (MSR_SF | MSR_ME | (guest_msr & MSR_HV)) : MSR_ME;
}

int ppc_stub_run(struct vcpu *v, uint64_t addr, unsigned n, const uint8_t *gprs, uint64_t *vals,
                 bool set_in)
{
    struct vm *vm = v->vm;
    struct ppc_vm *pvm = ppc_vm_of(vm);
    struct ppc_vcpu *pv = v->arch;
    int ids[34];
    uint64_t saved[34] = {0};
    void *ptrs[34];
    for (unsigned i = 0; i < n; i++) {
        ids[i] = UC_PPC_REG_0 + gprs[i];
        ptrs[i] = &saved[i];
    }
    ids[n] = UC_PPC_REG_PC;
    ptrs[n] = &saved[n];
    ids[n + 1] = UC_PPC_REG_MSR;
    ptrs[n + 1] = &saved[n + 1];
    /* ppc32 register reads fill 4 bytes of each 8-byte buffer (zeroed above, little-endian host).
     */
    ENGINE_OK(vm, uc_reg_read_batch(vm->uc, ids, ptrs, (int)n + 2));
    uint64_t msr = stub_msr(pvm, saved[n + 1]);
    ENGINE_OK(vm, uc_reg_write(vm->uc, UC_PPC_REG_MSR, &msr));
    if (set_in) {
        void *in[34];
        for (unsigned i = 0; i < n; i++)
            in[i] = &vals[i];
        ENGINE_OK(vm, uc_reg_write_batch(vm->uc, ids, in, (int)n));
    }
    pv->in_stub = true;
    pv->stub_done = false;
    uc_err e = uc_emu_start(vm->uc, addr, 0, 0, 0);
    pv->in_stub = false;
    bool ok = e == UC_ERR_OK && pv->stub_done && pv->stub_intno == 8;
    if (ok) {
        void *out[34];
        for (unsigned i = 0; i < n; i++) {
            vals[i] = 0;
            out[i] = &vals[i];
        }
        ENGINE_OK(vm, uc_reg_read_batch(vm->uc, ids, out, (int)n));
        if (!pvm->is64)
            for (unsigned i = 0; i < n; i++)
                vals[i] &= 0xFFFFFFFFULL;
    }
    /* Restore the GPRs, then the MSR, then the PC (the order matters for nothing but clarity). */
    ENGINE_OK(vm, uc_reg_write_batch(vm->uc, ids, ptrs, (int)n + 2));
    if (!ok) {
        vm_stop(vm, OUTCOME_HOST_ERROR, 0,
                "vCPU %u: softkvm's SPR stub at 0x%llx did not complete (engine: %s, exception %u)",
                v->id, (unsigned long long)addr, uc_strerror(e), pv->stub_intno);
        return -1;
    }
    return 0;
}

uint64_t ppc_reg_read(struct vcpu *v, enum ppc_reg r)
{
    struct ppc_vm *pvm = ppc_vm_of(v->vm);
    uint64_t val = 0;
    static const uint8_t r3 = 3;
    if (!pvm->present[r] || ppc_stub_run(v, pvm->stub_read[r], 1, &r3, &val, false) != 0)
        return 0;
    return val;
}

void ppc_reg_write(struct vcpu *v, enum ppc_reg r, uint64_t val)
{
    struct ppc_vm *pvm = ppc_vm_of(v->vm);
    static const uint8_t r3 = 3;
    if (pvm->present[r])
        ppc_stub_run(v, pvm->stub_write[r], 1, &r3, &val, true);
}

int ppc_regs_read_all(struct vcpu *v, uint64_t *vals)
{
    struct ppc_vm *pvm = ppc_vm_of(v->vm);
    uint64_t got[sizeof(readall_gprs)];
    unsigned n = 0;
    for (unsigned r = 0; r < PPC_SYNC_REGS; r++)
        if (pvm->readall_gpr[r] != 0xFF)
            n++;
    if (ppc_stub_run(v, pvm->stub_readall, n, readall_gprs, got, false) != 0)
        return -1;
    for (unsigned r = 0, k = 0; r < PPC_SYNC_REGS; r++)
        vals[r] = pvm->readall_gpr[r] != 0xFF ? got[k++] : 0;
    return 0;
}

void ppc_set_srr(struct vcpu *v, uint64_t srr0, uint64_t srr1)
{
    struct ppc_vm *pvm = ppc_vm_of(v->vm);
    static const uint8_t gprs[2] = {3, 4};
    uint64_t vals[2] = {srr0, srr1};
    ppc_stub_run(v, pvm->stub_srr, 2, gprs, vals, true);
}

/* Which optional registers the model has: in supervisor state QEMU treats an mfspr of an SPR the
 * model lacks as a no-op, so a register is present when the read changes r3 from a sentinel in
 * at least one of two runs with different sentinels. */
static void probe_present(struct vcpu *v)
{
    struct ppc_vm *pvm = ppc_vm_of(v->vm);
    static const uint8_t r3 = 3;
    for (unsigned r = 0; r < PPC_NREGS; r++) {
        pvm->present[r] = !ppc_regs[r].optional;
        if (ppc_regs[r].is_sr && pvm->is64)
            pvm->present[r] = false; /* no segment registers on Book3S-64 */
        if (!ppc_regs[r].optional)
            continue;
        uint64_t s1 = 0x5A5A5A5AULL, s2 = 0xA5A5A5A5ULL;
        if (ppc_stub_run(v, pvm->stub_read[r], 1, &r3, &s1, true) != 0 ||
            ppc_stub_run(v, pvm->stub_read[r], 1, &r3, &s2, true) != 0)
            return;
        pvm->present[r] = s1 != 0x5A5A5A5AULL || s2 != 0xA5A5A5A5ULL;
    }
}

int ppc_stubs_init(struct vm *vm, char *err, size_t errlen)
{
    struct ppc_vm *pvm = ppc_vm_of(vm);
    pvm->stub_page = aligned_alloc(SKVM_PAGE_SIZE, SKVM_PAGE_SIZE);
    if (pvm->stub_page == NULL) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    memset(pvm->stub_page, 0, SKVM_PAGE_SIZE);
    struct stub_writer w = {pvm->stub_page, 0};
    for (unsigned r = 0; r < PPC_NREGS; r++) {
        uint32_t rd[2] = {read_insn(r, 3), PPC_INSN_SC};
        uint32_t wr[3] = {write_insn(r, 3), PPC_INSN_ISYNC, PPC_INSN_SC};
        pvm->stub_read[r] = emit(&w, rd, 2);
        pvm->stub_write[r] = emit(&w, wr, 3);
    }
    uint32_t srr[3] = {ppc_insn_mtspr(26, 3), ppc_insn_mtspr(27, 4), PPC_INSN_SC};
    pvm->stub_srr = emit(&w, srr, 3);
    if (uc_mem_map_ptr(vm->uc, PPC_STUB_BASE, SKVM_PAGE_SIZE, UC_PROT_READ | UC_PROT_EXEC,
                       pvm->stub_page) != UC_ERR_OK) {
        snprintf(err, errlen, "Unicorn refused to map softkvm's stub page");
        return -1;
    }
    probe_present(&vm->vcpus[0]);
    if (vm->outcome.kind != OUTCOME_NONE) {
        snprintf(err, errlen, "softkvm's SPR stubs do not run on this CPU model: %s",
                 vm->outcome.reason);
        return -1;
    }
    /* The read-all stub is written after probing, so it reads only what the model has. It
     * lives in the same page: the engine has not translated those bytes yet. */
    uint32_t all[sizeof(readall_gprs) + 1];
    unsigned n = 0;
    for (unsigned r = 0; r < PPC_SYNC_REGS; r++) {
        pvm->readall_gpr[r] = 0xFF;
        if (!pvm->present[r] || n >= sizeof(readall_gprs))
            continue;
        pvm->readall_gpr[r] = readall_gprs[n];
        all[n] = read_insn(r, readall_gprs[n]);
        n++;
    }
    all[n] = PPC_INSN_SC;
    pvm->stub_readall = emit(&w, all, n + 1);
    return 0;
}
