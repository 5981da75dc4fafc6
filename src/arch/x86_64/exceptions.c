/* Exception and interrupt delivery through the guest's long-mode IDT, as the CPU does it:
 * gate checks, privilege change through the TSS, IST, frame push, double and triple faults. */
#include <errno.h>

#include "arch/x86_64/x86.h"
#include "softkvm/trace.h"
#include "softkvm/engine_check.h"

#define EFER_LMA  (1ULL << 10)
#define RF_TF     (1ULL << 8)
#define RF_IF     (1ULL << 9)
#define RF_NT     (1ULL << 14)
#define RF_RF     (1ULL << 16)
#define RF_VM     (1ULL << 17)
#define DESC_S    (1ULL << 44)
#define DESC_CODE (1ULL << 43)
#define DESC_CONF (1ULL << 42)
#define DESC_P    (1ULL << 47)
#define DESC_L    (1ULL << 53)
#define DESC_D    (1ULL << 54)

static const char *const vec_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

struct exc {
    unsigned vec;
    bool has_err;
    uint32_t err;
    bool soft;
    uint64_t cr2;
};

enum exc_class { BENIGN, CONTRIBUTORY, PAGE_FAULT, DOUBLE_FAULT };

bool x86_vector_has_error_code(unsigned vec)
{
    switch (vec) {
    case X86_DF:
    case X86_TS:
    case X86_NP:
    case X86_SS:
    case X86_GP:
    case X86_PF:
    case X86_AC:
    case X86_CP:
    case 29:
    case 30:
        return true;
    default:
        return false;
    }
}

static enum exc_class classify(const struct exc *e)
{
    if (e->soft)
        return BENIGN;
    switch (e->vec) {
    case X86_DE:
    case X86_TS:
    case X86_NP:
    case X86_SS:
    case X86_GP:
        return CONTRIBUTORY;
    case X86_PF:
        return PAGE_FAULT;
    case X86_DF:
        return DOUBLE_FAULT;
    default:
        return BENIGN;
    }
}

static const char *vec_name(unsigned vec)
{
    return vec < 32 && vec_names[vec] != NULL ? vec_names[vec] : "INT";
}

static int fault(struct exc *f, unsigned vec, uint32_t err)
{
    *f = (struct exc){.vec = vec, .has_err = true, .err = err};
    return -EFAULT;
}

static int page_fault(struct exc *f, uint32_t pfec, uint64_t la)
{
    *f = (struct exc){.vec = X86_PF, .has_err = true, .err = pfec, .cr2 = la};
    return -EFAULT;
}

/* Read size bytes at linear la as an implicit supervisor access; a failure becomes *f. */
static int sys_read(struct vm *vm, const struct x86_mmu *mmu, uint64_t la, void *buf, size_t size,
                    struct exc *f)
{
    uint64_t fla;
    uint32_t pfec;
    int rc = x86_read_virt(&vm->mem, mmu, la, buf, size, false, &fla, &pfec);
    if (rc == -EFAULT)
        return page_fault(f, pfec, fla);
    if (rc != 0)
        return fault(f, X86_GP, 0);
    return 0;
}

/* One delivery attempt. Returns 0, or -EFAULT with the nested exception in *f. ext: the EXT bit of
 * error codes (the event was not software-generated). */
static int try_deliver(struct vcpu *v, const struct exc *e, uint32_t ext, struct exc *f)
{
    struct vm *vm = v->vm;
    struct x86_regs r;
    x86_read_regs(vm, &r);
    struct x86_mmu mmu = {r.cr0, r.cr3, r.cr4, r.efer};
    bool mode64;
    unsigned cpl;
    x86_cpu_mode(vm, &r, &mode64, &cpl);
    uint32_t idt_err = e->vec * 8 + 2 + ext;

    uc_x86_mmr idtr = {0};
    ENGINE_OK(vm, uc_reg_read(vm->uc, UC_X86_REG_IDTR, &idtr));
    if ((uint64_t)e->vec * 16 + 15 > idtr.limit)
        return fault(f, X86_GP, idt_err);
    uint64_t gate[2];
    if (sys_read(vm, &mmu, idtr.base + (uint64_t)e->vec * 16, gate, 16, f) != 0)
        return -EFAULT;
    unsigned type = (gate[0] >> 40) & 0xF, gdpl = (gate[0] >> 45) & 3, ist = (gate[0] >> 32) & 7;
    uint16_t sel = (uint16_t)(gate[0] >> 16);
    uint64_t target = (gate[0] & 0xFFFF) | ((gate[0] >> 32) & 0xFFFF0000ULL) | (gate[1] << 32);
    if (type != 0xE && type != 0xF)
        return fault(f, X86_GP, idt_err);
    if (e->soft && gdpl < cpl)
        return fault(f, X86_GP, e->vec * 8 + 2);
    if (!((gate[0] >> 47) & 1))
        return fault(f, X86_NP, idt_err);

    uint32_t sel_err = (sel & 0xFFFC) + ext;
    if ((sel & 0xFFFC) == 0)
        return fault(f, X86_GP, ext);
    uint64_t cs_desc;
    if (x86_read_descriptor(vm, &mmu, sel, &cs_desc) != 0)
        return fault(f, X86_GP, sel_err);
    unsigned cs_dpl = (cs_desc >> 45) & 3;
    if (!(cs_desc & DESC_S) || !(cs_desc & DESC_CODE) || cs_dpl > cpl)
        return fault(f, X86_GP, sel_err);
    if (!(cs_desc & DESC_P))
        return fault(f, X86_NP, sel_err);
    if (!(cs_desc & DESC_L) || (cs_desc & DESC_D))
        return fault(f, X86_GP, sel_err);
    unsigned new_cpl = (cs_desc & DESC_CONF) ? cpl : cs_dpl;

    uint64_t rsp = r.rsp;
    if (ist != 0 || new_cpl < cpl) {
        uc_x86_mmr tr = {0};
        ENGINE_OK(vm, uc_reg_read(vm->uc, UC_X86_REG_TR, &tr));
        uint32_t off = ist != 0 ? 0x24 + (ist - 1) * 8 : 4 + new_cpl * 8;
        if ((uint64_t)off + 7 > tr.limit)
            return fault(f, X86_TS, (tr.selector & 0xFFFC) + ext);
        if (sys_read(vm, &mmu, tr.base + off, &rsp, 8, f) != 0)
            return -EFAULT;
    }
    rsp &= ~0xFULL;
    uint64_t frame[6];
    unsigned n = 0;
    if (e->has_err)
        frame[n++] = e->err;
    frame[n++] = r.rip;
    frame[n++] = r.cs;
    frame[n++] = r.rflags;
    frame[n++] = r.rsp;
    frame[n++] = r.ss;
    /* frame[] is in ascending address order from the new RSP. */
    uint64_t new_rsp = rsp - 8ULL * n;
    if (!x86_canonical(new_rsp))
        return fault(f, X86_SS, ext);
    uint64_t fla;
    uint32_t pfec;
    int rc = x86_write_virt(&vm->mem, &mmu, new_rsp, frame, 8ULL * n, new_cpl == 3, &fla, &pfec);
    if (rc == -EFAULT)
        return page_fault(f, pfec, fla);
    if (rc != 0)
        return fault(f, X86_SS, ext);

    uint16_t new_cs = (uint16_t)((sel & ~3u) | new_cpl);
    uint16_t new_ss = new_cpl != cpl ? (uint16_t)new_cpl : r.ss;
    if (new_cpl != cpl || !mode64 || new_cs != r.cs) {
        uint64_t ss_desc = (uint64_t)new_cpl << 45; /* null SS with RPL = DPL = new CPL */
        if (new_cpl == cpl && (r.ss & 0xFFFC) != 0 && x86_read_descriptor(vm, &mmu, r.ss, &ss_desc))
            ss_desc = (uint64_t)cpl << 45;
        if (x86_load_cs_ss(v, new_cs, cs_desc, new_ss, ss_desc, new_cpl) != 0)
            return fault(f, X86_GP, 0);
    }
    uint64_t rflags = r.rflags & ~(RF_TF | RF_NT | RF_RF | RF_VM);
    if (type == 0xE)
        rflags &= ~RF_IF;
    uint64_t cs64 = new_cs, ss64 = new_ss;
    static const int ids[] = {UC_X86_REG_RIP, UC_X86_REG_RSP, UC_X86_REG_RFLAGS, UC_X86_REG_CS,
                              UC_X86_REG_SS};
    const void *vals[] = {&target, &new_rsp, &rflags, &cs64, &ss64};
    ENGINE_OK(vm, uc_reg_write_batch(vm->uc, ids, (void *const *)vals, 5));
    if (e->vec == X86_PF && !e->soft)
        ENGINE_OK(vm, uc_reg_write(vm->uc, UC_X86_REG_CR2, &e->cr2));
    return 0;
}

/* Length of the INT n (CD ib), INT3 (CC) or INTO (CE) that raised soft vector vec and left RIP
 * after itself: the engine reports only the next RIP, so look at the bytes before it. */
static unsigned soft_insn_len(struct vm *vm, unsigned vec, uint64_t rip)
{
    struct x86_mmu mmu;
    x86_read_mmu(vm, &mmu);
    uint8_t b[2] = {0, 0};
    uint64_t fla;
    uint32_t pfec;
    if (rip >= 2 && x86_read_virt(&vm->mem, &mmu, rip - 2, b, 2, false, &fla, &pfec) == 0 &&
        b[0] == 0xCD && b[1] == vec)
        return 2;
    if ((vec == X86_BP && b[1] == 0xCC) || (vec == X86_OF && b[1] == 0xCE))
        return 1;
    return 2;
}

static void triple_fault(struct vcpu *v, const struct exc *first)
{
    uint64_t rip = 0;
    ENGINE_OK(v->vm, uc_reg_read(v->vm->uc, UC_X86_REG_RIP, &rip));
    vm_stop(v->vm, OUTCOME_GUEST_CRASH, 0,
            "vCPU %u: triple fault (could not deliver %s vector %u, error code 0x%x, at RIP "
            "0x%llx): the guest has no usable IDT, gate or stack for it",
            v->id, vec_name(first->vec), first->vec, first->err, (unsigned long long)rip);
}

void x86_deliver_exception(struct vcpu *v, unsigned vec, bool has_err, uint32_t err, bool soft,
                           uint64_t cr2)
{
    struct vm *vm = v->vm;
    struct exc cur = {
        .vec = vec, .has_err = has_err && !soft, .err = err, .soft = soft, .cr2 = cr2};
    const struct exc first = cur;
    uint32_t ext = soft ? 0 : 1;
    struct x86_mmu mmu;
    x86_read_mmu(vm, &mmu);
    if (!(mmu.efer & EFER_LMA)) {
        vm_stop(vm, OUTCOME_GUEST_CRASH, 0,
                "vCPU %u: %s (vector %u) outside long mode; softkvm delivers exceptions only "
                "in 64-bit and compatibility mode",
                v->id, vec_name(vec), vec);
        return;
    }
    uint64_t from_rip = 0;
    if (trace_enabled(vm))
        ENGINE_OK(vm, uc_reg_read(vm->uc, UC_X86_REG_RIP, &from_rip));
    for (int attempt = 0; attempt < 8; attempt++) {
        struct exc f;
        if (try_deliver(v, &cur, ext, &f) == 0) {
            vm->stats.exceptions_delivered++;
            if (trace_enabled(vm)) {
                static const char *const keys[] = {"vector", "error_code", "cr2"};
                const uint64_t vals[] = {cur.vec, cur.has_err ? cur.err : 0, cur.cr2};
                trace_event(vm, v->id, from_rip, "exception", cur.vec == X86_PF ? 3 : 2, keys,
                            vals);
            }
            return;
        }
        if (cur.soft) {
            /* A fault raised while delivering INT n points at the INT, not past it. */
            uint64_t rip;
            ENGINE_OK(vm, uc_reg_read(vm->uc, UC_X86_REG_RIP, &rip));
            rip -= soft_insn_len(vm, cur.vec, rip);
            ENGINE_OK(vm, uc_reg_write(vm->uc, UC_X86_REG_RIP, &rip));
        }
        enum exc_class c1 = classify(&cur), c2 = classify(&f);
        if (c1 == DOUBLE_FAULT) {
            triple_fault(v, &first);
            return;
        }
        ext = 1;
        if ((c1 == CONTRIBUTORY && c2 == CONTRIBUTORY) ||
            (c1 == PAGE_FAULT && (c2 == CONTRIBUTORY || c2 == PAGE_FAULT)))
            cur = (struct exc){.vec = X86_DF, .has_err = true, .err = 0};
        else
            cur = f;
    }
    triple_fault(v, &first);
}
