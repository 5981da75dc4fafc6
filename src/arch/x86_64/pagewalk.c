/* Software walk of the guest's x86 page tables, for the accesses softkvm makes on the CPU's behalf.
 */
#include <errno.h>
#include <string.h>

#include "arch/x86_64/x86.h"

#define CR0_WP    (1ULL << 16)
#define CR0_PG    (1ULL << 31)
#define CR4_PSE   (1ULL << 4)
#define CR4_PAE   (1ULL << 5)
#define CR4_SMEP  (1ULL << 20)
#define EFER_NXE  (1ULL << 11)
#define EFER_LMA  (1ULL << 10)
#define PTE_P     (1ULL << 0)
#define PTE_W     (1ULL << 1)
#define PTE_U     (1ULL << 2)
#define PTE_A     (1ULL << 5)
#define PTE_D     (1ULL << 6)
#define PTE_PS    (1ULL << 7)
#define PTE_NX    (1ULL << 63)
#define ADDR_MASK 0x000FFFFFFFFFF000ULL

static int walk_fault(uint32_t *pfec, bool present, enum x86_access acc, bool user,
                      const struct x86_mmu *mmu)
{
    uint32_t e = present ? PFEC_P : 0;
    if (acc == X86_WRITE)
        e |= PFEC_W;
    if (user)
        e |= PFEC_U;
    if (acc == X86_FETCH && ((mmu->efer & EFER_NXE) || (mmu->cr4 & CR4_SMEP)))
        e |= PFEC_I;
    *pfec = e;
    return -EFAULT;
}

/* Read an entry of size esz at gpa; entries outside RAM read as not present. */
static uint64_t read_entry(const struct gmem *gm, gpa_t gpa, unsigned esz)
{
    if (esz == 8) {
        uint64_t v;
        return gmem_read_le64(gm, gpa, &v) == 0 ? v : 0;
    }
    uint32_t v;
    return gmem_read_le32(gm, gpa, &v) == 0 ? v : 0;
}

static void set_bits(const struct gmem *gm, gpa_t gpa, unsigned esz, uint64_t bits)
{
    uint8_t *p = gmem_ptr(gm, gpa, esz);
    if (p != NULL)
        p[0] |= (uint8_t)bits; /* A and D live in the low byte */
}

int x86_translate(const struct gmem *gm, const struct x86_mmu *mmu, uint64_t la,
                  enum x86_access acc, bool user, gpa_t *gpa, uint32_t *pfec)
{
    if (!(mmu->cr0 & CR0_PG)) {
        *gpa = (mmu->efer & EFER_LMA) ? la : (uint32_t)la;
        return 0;
    }
    unsigned levels, esz;
    gpa_t table;
    if (mmu->efer & EFER_LMA) {
        levels = 4;
        esz = 8;
        table = mmu->cr3 & ADDR_MASK;
    } else if (mmu->cr4 & CR4_PAE) {
        la = (uint32_t)la;
        esz = 8;
        uint64_t pdpte = read_entry(gm, (mmu->cr3 & 0xFFFFFFE0ULL) + ((la >> 30) & 3) * 8, 8);
        if (!(pdpte & PTE_P))
            return walk_fault(pfec, false, acc, user, mmu);
        levels = 2;
        table = pdpte & ADDR_MASK;
    } else {
        la = (uint32_t)la;
        levels = 2;
        esz = 4;
        table = mmu->cr3 & 0xFFFFF000ULL;
    }
    bool writable = true, usr = true, nx = false;
    gpa_t entries[4];
    unsigned nent = 0;
    uint64_t pte = 0, page_size = 4096;
    for (unsigned lvl = levels; lvl >= 1; lvl--) {
        unsigned shift = esz == 8 ? 12 + 9 * (lvl - 1) : 12 + 10 * (lvl - 1);
        uint64_t idx = (la >> shift) & (esz == 8 ? 0x1FF : 0x3FF);
        gpa_t eaddr = table + idx * esz;
        pte = read_entry(gm, eaddr, esz);
        if (!(pte & PTE_P))
            return walk_fault(pfec, false, acc, user, mmu);
        entries[nent++] = eaddr;
        writable = writable && (pte & PTE_W);
        usr = usr && (pte & PTE_U);
        if (esz == 8 && (mmu->efer & EFER_NXE) && (pte & PTE_NX))
            nx = true;
        bool large = lvl > 1 && (pte & PTE_PS) && (esz == 8 ? lvl <= 3 : (mmu->cr4 & CR4_PSE));
        if (large || lvl == 1) {
            page_size = 1ULL << shift;
            break;
        }
        table = pte & (esz == 8 ? ADDR_MASK : 0xFFFFF000ULL);
    }
    if (user && !usr)
        return walk_fault(pfec, true, acc, user, mmu);
    if (acc == X86_WRITE && !writable && (user || (mmu->cr0 & CR0_WP)))
        return walk_fault(pfec, true, acc, user, mmu);
    if (acc == X86_FETCH && (nx || (!user && usr && (mmu->cr4 & CR4_SMEP))))
        return walk_fault(pfec, true, acc, user, mmu);
    /* The CPU sets Accessed on every level and Dirty on the leaf for writes (a debugger's
     * look leaves them alone). */
    for (unsigned i = 0; i < nent && acc != X86_PEEK; i++)
        set_bits(gm, entries[i], esz, PTE_A | (i + 1 == nent && acc == X86_WRITE ? PTE_D : 0));
    uint64_t base;
    if (esz == 4 && page_size == (1ULL << 22))
        base = (pte & 0xFFC00000ULL) | ((pte & 0x1FE000ULL) << 19); /* PSE-36 */
    else
        base = pte & ADDR_MASK & ~(page_size - 1);
    *gpa = base | (la & (page_size - 1));
    return 0;
}

static int access_virt(struct gmem *gm, const struct x86_mmu *mmu, uint64_t la, uint8_t *buf,
                       size_t len, bool user, bool write, uint64_t *fault_la, uint32_t *pfec)
{
    /* Translate every page first: an access that faults on its second page changes nothing,
     * as on the CPU. Accesses softkvm makes span at most two pages. */
    gpa_t gpa[2];
    size_t chunk[2];
    unsigned n = 0;
    for (uint64_t a = la, left = len; left > 0 && n < 2; n++) {
        chunk[n] = 4096 - (a & 4095);
        if (chunk[n] > left)
            chunk[n] = left;
        if (x86_translate(gm, mmu, a, write ? X86_WRITE : X86_READ, user, &gpa[n], pfec) != 0) {
            *fault_la = a;
            return -EFAULT;
        }
        if (!gmem_in_range(gm, gpa[n], chunk[n]))
            return -ERANGE;
        a += chunk[n];
        left -= chunk[n];
    }
    if (chunk[0] + (n > 1 ? chunk[1] : 0) < len)
        return -ERANGE; /* longer than two pages: not an access the CPU makes */
    for (unsigned i = 0; i < n; i++) {
        if (write)
            gmem_write(gm, gpa[i], buf, chunk[i]);
        else
            gmem_read(gm, gpa[i], buf, chunk[i]);
        buf += chunk[i];
    }
    return 0;
}

int x86_read_virt(struct gmem *gm, const struct x86_mmu *mmu, uint64_t la, void *buf, size_t len,
                  bool user, uint64_t *fault_la, uint32_t *pfec)
{
    /* Reads go through the same walker; it only sets Accessed bits in guest RAM. */
    return access_virt(gm, mmu, la, buf, len, user, false, fault_la, pfec);
}

int x86_write_virt(struct gmem *gm, const struct x86_mmu *mmu, uint64_t la, const void *buf,
                   size_t len, bool user, uint64_t *fault_la, uint32_t *pfec)
{
    return access_virt(gm, mmu, la, (uint8_t *)buf, len, user, true, fault_la, pfec);
}
