/* The KVM magic page (struct kvm_vcpu_arch_shared): mapping it for the guest and keeping it and
 * the CPU registers in agreement at every hypercall and interrupt (docs/platform.md). */
#include <stdlib.h>
#include <string.h>

#include "arch/ppc/ppc.h"
#include "hypercalls/ppc_hypercalls.h"
#include "softkvm/engine_check.h"

/* The page's big-endian fields through gmem's accessors, on a one-page view of the page (the
 * offsets are the ABI's constants, always inside it; a field outside would read as 0). */
static struct gmem page_view(uint8_t *page)
{
    return (struct gmem){.host = page,
                         .size = SKVM_PAGE_SIZE,
                         .nslots = 1,
                         .slots = {{.gpa = 0, .size = SKVM_PAGE_SIZE, .host = page}}};
}

static uint64_t page_get(const uint8_t *page, unsigned off, unsigned len)
{
    const struct gmem pg = page_view((uint8_t *)page);
    if (len == 8) {
        uint64_t v = 0;
        return gmem_read_be64(&pg, off, &v) == 0 ? v : 0;
    }
    uint32_t v = 0;
    return gmem_read_be32(&pg, off, &v) == 0 ? v : 0;
}

static void page_put(uint8_t *page, unsigned off, unsigned len, uint64_t v)
{
    struct gmem pg = page_view(page);
    if (len == 8)
        gmem_write_be64(&pg, off, v);
    else
        gmem_write_be32(&pg, off, (uint32_t)v);
}

static uint64_t field_mask(unsigned len)
{
    return len == 8 ? ~0ULL : (1ULL << (8 * len)) - 1;
}

void ppc_magic_release(struct vcpu *v)
{
    struct ppc_vcpu *pv = v->arch;
    struct ppc_magic *m = &pv->magic;
    for (unsigned i = 0; i < m->nmaps; i++)
        ENGINE_OK(v->vm, uc_mem_unmap(v->vm->uc, m->maps[i], SKVM_PAGE_SIZE));
    m->nmaps = 0;
    free(m->own);
    m->own = NULL;
    m->page = NULL;
    m->mapped = false;
}

bool ppc_magic_critical(struct vcpu *v, uint64_t msr)
{
    struct ppc_vcpu *pv = v->arch;
    struct ppc_vm *pvm = ppc_vm_of(v->vm);
    if (!pv->magic.mapped || (msr & MSR_PR))
        return false;
    uint64_t crit = page_get(pv->magic.page, MAGIC_CRITICAL, 8);
    uint64_t r1 = ppc_get(v->vm, UC_PPC_REG_1);
    if (!(pvm->is64 && (msr & MSR_SF))) {
        /* KVM compares 32 bits for a 32-bit caller (Linux stores r1 at critical + 4 there). */
        crit &= 0xFFFFFFFFULL;
        r1 &= 0xFFFFFFFFULL;
    }
    return crit == r1;
}

void ppc_magic_pull(struct vcpu *v)
{
    struct ppc_vcpu *pv = v->arch;
    struct ppc_vm *pvm = ppc_vm_of(v->vm);
    struct ppc_magic *m = &pv->magic;
    for (unsigned r = 0; r < PPC_SYNC_REGS; r++) {
        const struct ppc_reg_desc *d = &ppc_regs[r];
        if (!pvm->present[r] || d->page_off < 0)
            continue;
        uint64_t val = page_get(m->page, (unsigned)d->page_off, d->page_len);
        if (val == m->last[r])
            continue;
        if (!d->readonly)
            ppc_reg_write(v, r, pvm->is64 ? val : (val & 0xFFFFFFFFULL));
        m->last[r] = val;
    }
    uint64_t msr = page_get(m->page, MAGIC_MSR, 8);
    if (msr != m->last_msr) {
        ppc_set(v->vm, UC_PPC_REG_MSR, msr);
        m->last_msr = msr;
    }
}

void ppc_magic_push(struct vcpu *v)
{
    struct ppc_vcpu *pv = v->arch;
    struct ppc_vm *pvm = ppc_vm_of(v->vm);
    struct ppc_magic *m = &pv->magic;
    uint64_t vals[PPC_SYNC_REGS];
    if (ppc_regs_read_all(v, vals) != 0)
        return;
    for (unsigned r = 0; r < PPC_SYNC_REGS; r++) {
        const struct ppc_reg_desc *d = &ppc_regs[r];
        if (!pvm->present[r] || d->page_off < 0)
            continue;
        uint64_t val = vals[r] & field_mask(d->page_len);
        page_put(m->page, (unsigned)d->page_off, d->page_len, val);
        m->last[r] = val;
    }
    uint64_t msr = ppc_get(v->vm, UC_PPC_REG_MSR);
    page_put(m->page, MAGIC_MSR, 8, msr);
    m->last_msr = msr;
    page_put(m->page, MAGIC_INT_PENDING, 4, pv->pending != 0);
}

/* Map the page at real address a for the engine (not needed where a is guest RAM). */
static int map_at(struct vcpu *v, uint64_t a, uint8_t *page)
{
    struct ppc_magic *m = &((struct ppc_vcpu *)v->arch)->magic;
    if (uc_mem_map_ptr(v->vm->uc, a, SKVM_PAGE_SIZE, UC_PROT_ALL, page) != UC_ERR_OK)
        return -1;
    m->maps[m->nmaps++] = a;
    return 0;
}

int ppc_magic_page_map(struct vcpu *v, uint64_t pa, uint64_t ea_flags, uint64_t *features)
{
    struct vm *vm = v->vm;
    struct ppc_vm *pvm = ppc_vm_of(vm);
    struct ppc_magic *m = &((struct ppc_vcpu *)v->arch)->magic;
    uint64_t ea = ea_flags & ~0xFFFULL;
    /* Real addresses: KVM matches pa under KVM_PAM; the 64-bit CPU ignores the top 4 bits of a
     * real-mode effective address, so ea's real-mode view is masked the same way. */
    uint64_t rpa = (pa & ~0xFFFULL) & pvm->real_mask, rea = ea & pvm->real_mask;
    ppc_magic_release(v);
    uint8_t *page;
    if (gmem_in_range(&vm->mem, rpa, SKVM_PAGE_SIZE)) {
        page = gmem_ptr(&vm->mem, rpa, SKVM_PAGE_SIZE); /* the guest gives up that RAM page */
    } else {
        m->own = aligned_alloc(SKVM_PAGE_SIZE, SKVM_PAGE_SIZE);
        if (m->own == NULL)
            return EV_EINVAL;
        memset(m->own, 0, SKVM_PAGE_SIZE);
        page = m->own;
        if (map_at(v, rpa, page) != 0) {
            ppc_magic_release(v); /* pa collides with a device or is beyond the address space */
            return EV_EINVAL;
        }
    }
    /* In real mode effective = real: reach the page at ea too. With translation on, the guest's
     * own page table decides what ea is (softkvm cannot override it as KVM's shadow MMU does). */
    if (rea != rpa && (gmem_in_range(&vm->mem, rea, 1) || map_at(v, rea, page) != 0)) {
        ppc_magic_release(v);
        return EV_EINVAL;
    }
    memset(page, 0, MAGIC_SIZE);
    m->page = page;
    m->pa = pa & ~0xFFFULL;
    m->ea = ea;
    m->mapped = true;
    ENGINE_OK(vm, uc_ctl_flush_tlb(vm->uc));
    ppc_magic_push(v);
    *features = (pvm->is64 ? 0 : KVM_MAGIC_FEAT_SR) | KVM_MAGIC_FEAT_MAS0_TO_SPRG7;
    return EV_SUCCESS;
}
