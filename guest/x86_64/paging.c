/* x86-64 guest page tables: the guest's own 4-level identity map with per-page U/W/P control. */
#include "guest/x86_64/x86.h"

/* Why the guest builds its own tables instead of editing softkvm's: softkvm's tables (at the PML4
 * the boot info names) map RAM with 2 MiB supervisor pages and belong to the boot area; building
 * our own keeps softkvm's untouched and lets tests change single 4 KiB pages. See x86.h. */

#define POOL_PAGES 64
#define NONLEAF    (X86_PTE_P | X86_PTE_W | X86_PTE_U)
#define SIZE_2M    (2ull << 20)

static uint64_t pool[POOL_PAGES][512] __attribute__((aligned(4096)));
static unsigned pool_used;
static uint64_t *pml4;

void *x86_pt_alloc_page(void)
{
    if (pool_used >= POOL_PAGES) {
        gprintf("page-table pool exhausted\n");
        guest_exit(4);
    }
    uint64_t *p = pool[pool_used++];
    memset(p, 0, X86_PAGE_SIZE);
    return p;
}

/* The table an entry points to, creating it if absent (and create). */
static uint64_t *next_table(uint64_t *table, unsigned idx, bool create)
{
    uint64_t e = table[idx];
    if (!(e & X86_PTE_P)) {
        if (!create)
            return NULL;
        uint64_t *t = x86_pt_alloc_page();
        table[idx] = (uint64_t)(uintptr_t)t | NONLEAF;
        return t;
    }
    return (uint64_t *)(uintptr_t)(e & X86_PTE_ADDR);
}

/* Replace the 2 MiB page in *pde by a page table with the same mapping and permissions. */
static void split_2m(uint64_t *pde)
{
    uint64_t e = *pde;
    uint64_t base = e & X86_PTE_ADDR & ~(SIZE_2M - 1);
    uint64_t flags = (e & 0xFFFull & ~X86_PTE_PS) | (e & X86_PTE_NX);
    uint64_t *pt = x86_pt_alloc_page();
    for (unsigned i = 0; i < 512; i++)
        pt[i] = (base + i * X86_PAGE_SIZE) | flags;
    *pde = (uint64_t)(uintptr_t)pt | NONLEAF;
    /* The mapping is unchanged; drop the old large-page translation anyway. */
    x86_write_cr3(x86_read_cr3());
}

uint64_t *x86_pt_pte(uint64_t va, bool create)
{
    if (pml4 == NULL)
        return NULL;
    uint64_t *pdpt = next_table(pml4, (va >> 39) & 511, create);
    if (pdpt == NULL)
        return NULL;
    uint64_t *pd = next_table(pdpt, (va >> 30) & 511, create);
    if (pd == NULL)
        return NULL;
    uint64_t *pde = &pd[(va >> 21) & 511];
    if ((*pde & X86_PTE_P) && (*pde & X86_PTE_PS))
        split_2m(pde);
    uint64_t *pt = next_table(pd, (va >> 21) & 511, create);
    if (pt == NULL)
        return NULL;
    return &pt[(va >> 12) & 511];
}

uint64_t *x86_pt_walk(uint64_t va, int level)
{
    uint64_t *table = pml4;
    for (int l = 4; table != NULL; l--) {
        uint64_t *e = &table[(va >> (12 + 9 * (l - 1))) & 511];
        if (l == level)
            return e;
        if (!(*e & X86_PTE_P) || (l <= 3 && (*e & X86_PTE_PS)))
            return NULL;
        table = (uint64_t *)(uintptr_t)(*e & X86_PTE_ADDR);
    }
    return NULL;
}

void x86_pt_map(uint64_t va, uint64_t pa, uint64_t flags)
{
    uint64_t *pte = x86_pt_pte(va, true);
    *pte = (pa & X86_PTE_ADDR) | flags;
    x86_invlpg((uintptr_t)va);
}

uint64_t x86_pt_update(uint64_t va, uint64_t clear, uint64_t set)
{
    uint64_t *pte = x86_pt_pte(va, false);
    if (pte == NULL) {
        gprintf("x86_pt_update: 0x%lx is not mapped\n", va);
        guest_exit(4);
    }
    uint64_t old = *pte;
    *pte = (old & ~clear) | set;
    x86_invlpg((uintptr_t)va);
    return old;
}

void x86_pt_set_user(uint64_t start, uint64_t end, bool user)
{
    for (uint64_t va = start & ~(X86_PAGE_SIZE - 1); va < end; va += X86_PAGE_SIZE)
        x86_pt_update(va, user ? 0 : X86_PTE_U, user ? X86_PTE_U : 0);
}

/* A 2 MiB leaf in the page directory for va. */
static void map_2m(uint64_t va, uint64_t flags)
{
    uint64_t *pdpt = next_table(pml4, (va >> 39) & 511, true);
    uint64_t *pd = next_table(pdpt, (va >> 30) & 511, true);
    pd[(va >> 21) & 511] = va | flags | X86_PTE_PS;
}

/* Identity-map [start, end): 2 MiB pages above small_end where aligned, 4 KiB pages elsewhere. */
static void map_range(uint64_t start, uint64_t end, uint64_t small_end)
{
    for (uint64_t a = start; a < end;) {
        if ((a & (SIZE_2M - 1)) == 0 && a >= small_end && a + SIZE_2M <= end) {
            map_2m(a, X86_PTE_P | X86_PTE_W);
            a += SIZE_2M;
        } else {
            if (a != 0) /* page 0 stays unmapped: NULL accesses fault */
                *x86_pt_pte(a, true) = a | X86_PTE_P | X86_PTE_W;
            a += X86_PAGE_SIZE;
        }
    }
}

void x86_pt_init(const struct skvm_boot_info *bi)
{
    pml4 = x86_pt_alloc_page();
    uint64_t small_end = ((uint64_t)(uintptr_t)__kernel_end + SIZE_2M - 1) & ~(SIZE_2M - 1);
    /* Identity-map every RAM range of the memory map (one range from 0 without a map). */
    const struct skvm_mem_entry *map = (const struct skvm_mem_entry *)(uintptr_t)bi->mem_map;
    unsigned n = bi->mem_map_entries;
    for (unsigned i = 0; i < (n ? n : 1); i++) {
        uint64_t start = n ? map[i].addr : 0;
        uint64_t end = n ? map[i].addr + map[i].size : bi->ram_size;
        if (n && map[i].type != SKVM_MEM_RAM && start != 0)
            continue; /* the boot area at 0 stays mapped: softkvm's tables and stack are there */
        map_range(start & ~(X86_PAGE_SIZE - 1), end & ~(X86_PAGE_SIZE - 1), small_end);
    }
    uint64_t td = bi->testdev_base != 0 ? bi->testdev_base : SKVM_TESTDEV_BASE;
    *x86_pt_pte(td, true) = td | X86_PTE_P | X86_PTE_W | X86_PTE_PCD | X86_PTE_PWT;
    /* The local APIC page, as softkvm's tables map it (docs/platform.md). */
    *x86_pt_pte(0xFEE00000ull, true) =
        0xFEE00000ull | X86_PTE_P | X86_PTE_W | X86_PTE_PCD | X86_PTE_PWT;
    x86_write_cr3((uint64_t)(uintptr_t)pml4);
}

void x86_pt_map_user_sections(void)
{
    x86_pt_set_user((uintptr_t)__user_text_start, (uintptr_t)__user_text_end, true);
    x86_pt_set_user((uintptr_t)__user_data_start, (uintptr_t)__user_data_end, true);
}
