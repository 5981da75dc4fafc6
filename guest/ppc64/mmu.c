/* ppc64 guests: an identity-mapped hash page table, so problem state (which forces MSR[IR] and
 * MSR[DR] on Book3S-64) has translations. On POWER9/10 the table is found through the partition
 * table (PTCR), and LPCR must select hash translation without a process table. */
#include "guest/ppc/ppc.h"

#define HTAB_BYTES  (256 * 1024) /* HTABSIZE 0: 2048 groups of 8 entries */
#define HTAB_GROUPS (HTAB_BYTES / 128)
#define SPR_LPCR    318
#define SPR_LPIDR   319
#define SPR_PTCR    464
#define LPCR_HR     (1UL << 20)
#define LPCR_UPRT   (1UL << 22)
#define HPTE_V      1UL
#define HPTE_H      2UL
#define HPTE_R      0x100UL
#define HPTE_C      0x080UL
#define HPTE_IG     0x028UL /* cache-inhibited, guarded: device pages */
#define HPTE_PP_RW  0x002UL /* with key 0 (Ks = Kp = 0): read/write for every privilege */
#define SLB_V       0x08000000UL

static uint64_t htab[HTAB_BYTES / 8] __attribute__((aligned(HTAB_BYTES)));
static uint64_t patb[512] __attribute__((aligned(4096)));

static unsigned long vsid_of(unsigned long esid)
{
    return 0x100 + esid;
}

static int map_page(unsigned long ea, unsigned long flags)
{
    unsigned long vsid = vsid_of(ea >> 28), page = (ea & 0x0FFFFFFFUL) >> 12;
    unsigned long hash = vsid ^ page;
    for (int secondary = 0; secondary < 2; secondary++) {
        unsigned long group = (secondary ? ~hash : hash) & (HTAB_GROUPS - 1);
        uint64_t *pteg = &htab[group * 16];
        for (int i = 0; i < 8; i++) {
            if (pteg[2 * i] & HPTE_V)
                continue;
            pteg[2 * i + 1] = (ea & ~0xFFFUL) | HPTE_R | HPTE_C | HPTE_PP_RW | flags;
            __asm__ volatile("eieio" ::: "memory");
            pteg[2 * i] = (vsid << 12) | (((ea & 0x0FFFFFFFUL) >> 16) & 0xF80UL) |
                          (secondary ? HPTE_H : 0) | HPTE_V;
            return 0;
        }
    }
    return -1;
}

int ppc64_mmu_identity(unsigned long bytes)
{
    memset(htab, 0, sizeof(htab));
    memset(patb, 0, sizeof(patb));
    patb[0] = (uint64_t)(uintptr_t)htab; /* HTABORG, HTABSIZE 0, HR 0: hashed */
    mtspr(SPR_LPCR, mfspr(SPR_LPCR) & ~(LPCR_HR | LPCR_UPRT));
    mtspr(SPR_LPIDR, 0);
    mtspr(SPR_PTCR, (unsigned long)(uintptr_t)patb); /* PATS 0: 4 KiB partition table */
    __asm__ volatile("slbia; isync" ::: "memory");
    static const unsigned long esids[] = {0x0, 0xF};
    for (unsigned i = 0; i < 2; i++) {
        unsigned long rb = esids[i] << 28 | SLB_V | (i + 1), rs = vsid_of(esids[i]) << 12;
        __asm__ volatile("slbmte %0, %1" ::"r"(rs), "r"(rb) : "memory");
    }
    int rc = 0;
    for (unsigned long ea = 0; ea < bytes; ea += 4096)
        rc |= map_page(ea, 0);
    rc |= map_page(SKVM_TESTDEV_BASE, HPTE_IG);
    rc |= map_page(PPC_IRQLINE_BASE, HPTE_IG);
    __asm__ volatile("sync; isync" ::: "memory");
    return rc;
}
