/* Unit tests for the x86 page walker on 4-level tables built in a test gmem. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/x86_64/x86.h"

#define CR0_PE   (1ULL << 0)
#define CR0_WP   (1ULL << 16)
#define CR0_PG   (1ULL << 31)
#define CR4_PAE  (1ULL << 5)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

#define P  (1ULL << 0)
#define W  (1ULL << 1)
#define U  (1ULL << 2)
#define A  (1ULL << 5)
#define D  (1ULL << 6)
#define PS (1ULL << 7)
#define NX (1ULL << 63)

#define RAM (4ULL << 20)

/* Page-table pages (guest-physical). */
#define PML4  0x1000ULL
#define PDPT  0x2000ULL
#define PD    0x3000ULL
#define PT    0x4000ULL
#define PDPT2 0x5000ULL
#define PD2   0x6000ULL
#define PT2   0x7000ULL

/* Linear addresses of the test mappings (all in the first 2 MiB unless noted). */
#define VA_RW      0x10000ULL            /* supervisor RW  -> PA 0x10000 */
#define VA_RO      0x11000ULL            /* supervisor RO  -> PA 0x13000 (not identity) */
#define VA_NP      0x12000ULL            /* not present */
#define VA_USER_RW 0x20000ULL            /* user RW        -> PA 0x20000 */
#define VA_USER_NX 0x21000ULL            /* user RO, NX    -> PA 0x21000 */
#define VA_USER_RO 0x22000ULL            /* user RO        -> PA 0x22000 */
#define VA_BAD_PA  0x23000ULL            /* present, but the frame is outside RAM */
#define VA_2M      0x400000ULL           /* PD[2]: 2 MiB page -> PA 0x200000 */
#define VA_HIGH    0xFFFFFFFF80000000ULL /* PML4[511] PDPT2[510] PD2[0]: 2 MiB -> PA 0x200000 */
#define VA_HIGH_4K 0xFFFFFFFF80200000ULL /* PD2[1] -> PT2[0] -> PA 0x30000 */

static struct gmem gm;
static struct x86_mmu mmu;

static uint64_t entry(gpa_t table, unsigned idx)
{
    uint64_t v = 0;
    assert_int_equal(gmem_read_le64(&gm, table + 8ULL * idx, &v), 0);
    return v;
}

static void set_entry(gpa_t table, unsigned idx, uint64_t v)
{
    assert_int_equal(gmem_write_le64(&gm, table + 8ULL * idx, v), 0);
}

static int setup(void **state)
{
    (void)state;
    if (gmem_init(&gm, RAM) != 0)
        return -1;
    /* Upper levels allow everything (U and W), so the leaf decides. */
    set_entry(PML4, 0, PDPT | P | W | U);
    set_entry(PDPT, 0, PD | P | W | U);
    set_entry(PD, 0, PT | P | W | U);
    set_entry(PD, 2, 0x200000ULL | P | W | PS);
    set_entry(PT, 0x10, 0x10000ULL | P | W);
    set_entry(PT, 0x11, 0x13000ULL | P);
    set_entry(PT, 0x20, 0x20000ULL | P | W | U);
    set_entry(PT, 0x21, 0x21000ULL | P | U | NX);
    set_entry(PT, 0x22, 0x22000ULL | P | U);
    set_entry(PT, 0x23, 0x10000000ULL | P | W); /* 256 MiB: beyond the 4 MiB of RAM */
    set_entry(PML4, 511, PDPT2 | P | W);
    set_entry(PDPT2, 510, PD2 | P | W);
    set_entry(PD2, 0, 0x200000ULL | P | W | PS);
    set_entry(PD2, 1, PT2 | P | W);
    set_entry(PT2, 0, 0x30000ULL | P | W);
    mmu.cr0 = CR0_PE | CR0_WP | CR0_PG;
    mmu.cr3 = PML4;
    mmu.cr4 = CR4_PAE;
    mmu.efer = EFER_LME | EFER_LMA | EFER_NXE;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gmem_release(&gm);
    return 0;
}

/* Translate expecting success; returns the guest-physical address. */
static gpa_t ok(uint64_t la, enum x86_access acc, bool user)
{
    gpa_t gpa = 0xDEAD;
    uint32_t pfec = 0xDEAD;
    int rc = x86_translate(&gm, &mmu, la, acc, user, &gpa, &pfec);
    if (rc != 0)
        fail_msg("translate 0x%llx acc %d user %d: rc %d pfec 0x%x", (unsigned long long)la,
                 (int)acc, (int)user, rc, pfec);
    return gpa;
}

/* Translate expecting a #PF; returns its error code. */
static uint32_t fault(uint64_t la, enum x86_access acc, bool user)
{
    gpa_t gpa = 0;
    uint32_t pfec = 0xDEAD;
    int rc = x86_translate(&gm, &mmu, la, acc, user, &gpa, &pfec);
    if (rc != -EFAULT)
        fail_msg("translate 0x%llx acc %d user %d: rc %d (gpa 0x%llx), expected -EFAULT",
                 (unsigned long long)la, (int)acc, (int)user, rc, (unsigned long long)gpa);
    return pfec;
}

static void test_4k_pages(void **state)
{
    (void)state;
    assert_int_equal(ok(VA_RW, X86_READ, false), 0x10000);
    assert_int_equal(ok(VA_RW + 0xABC, X86_READ, false), 0x10ABC);
    assert_int_equal(ok(VA_RO + 0x456, X86_READ, false), 0x13456);
    assert_int_equal(ok(VA_RO + 0xFFF, X86_FETCH, false), 0x13FFF);
    assert_int_equal(ok(VA_USER_RW + 0x10, X86_WRITE, true), 0x20010);
    assert_int_equal(ok(VA_HIGH_4K + 0x321, X86_READ, false), 0x30321);
}

static void test_2m_pages(void **state)
{
    (void)state;
    assert_int_equal(ok(VA_2M, X86_READ, false), 0x200000);
    assert_int_equal(ok(VA_2M + 0x12345, X86_WRITE, false), 0x212345);
    assert_int_equal(ok(VA_2M + 0x1FFFFF, X86_READ, false), 0x3FFFFF);
    assert_int_equal(ok(VA_HIGH + 0x1234, X86_READ, false), 0x201234);
    /* The next 2 MiB (PD[3]) is not mapped. */
    assert_int_equal(fault(VA_2M + 0x200000, X86_READ, false), 0);
}

static void test_not_present(void **state)
{
    (void)state;
    assert_int_equal(fault(VA_NP, X86_READ, false), 0);
    assert_int_equal(fault(VA_NP, X86_WRITE, false), 2);
    assert_int_equal(fault(VA_NP, X86_READ, true), 4);
    assert_int_equal(fault(VA_NP, X86_WRITE, true), 4 | 2);
    /* Not present at the top level (PML4[1]) and in the middle (PDPT[1]). */
    assert_int_equal(fault(0x8000000000ULL, X86_READ, false), 0);
    assert_int_equal(fault(0x40000000ULL, X86_WRITE, true), 4 | 2);
    /* A fetch from a not-present page with EFER.NXE reports the fetch (I, bit 4). */
    assert_int_equal(fault(VA_NP, X86_FETCH, false), 1u << 4);
}

static void test_write_protect(void **state)
{
    (void)state;
    /* Supervisor write to a read-only page with CR0.WP: P|W. */
    assert_int_equal(fault(VA_RO, X86_WRITE, false), 3);
    /* Without WP, a supervisor write to a read-only page succeeds. */
    mmu.cr0 &= ~CR0_WP;
    assert_int_equal(ok(VA_RO + 8, X86_WRITE, false), 0x13008);
    /* A user write to a read-only user page faults whatever WP says: P|W|U. */
    assert_int_equal(fault(VA_USER_RO, X86_WRITE, true), 7);
    mmu.cr0 |= CR0_WP;
    assert_int_equal(fault(VA_USER_RO, X86_WRITE, true), 7);
    /* Read-only in an upper level makes the whole range read-only. */
    set_entry(PD, 0, PT | P | U);
    assert_int_equal(fault(VA_RW, X86_WRITE, false), 3);
    assert_int_equal(ok(VA_RW, X86_READ, false), 0x10000);
}

static void test_user_supervisor(void **state)
{
    (void)state;
    assert_int_equal(fault(VA_RW, X86_READ, true), 5);  /* P|U */
    assert_int_equal(fault(VA_RW, X86_WRITE, true), 7); /* P|W|U */
    assert_int_equal(ok(VA_USER_RO, X86_READ, true), 0x22000);
    /* Supervisor may read user pages (no SMAP here). */
    assert_int_equal(ok(VA_USER_RO, X86_READ, false), 0x22000);
    /* U clear in an upper level makes everything below supervisor-only. */
    set_entry(PDPT, 0, PD | P | W);
    assert_int_equal(fault(VA_USER_RW, X86_READ, true), 5);
}

static void test_nx(void **state)
{
    (void)state;
    assert_int_equal(fault(VA_USER_NX, X86_FETCH, false), (1u << 4) | 1); /* I|P */
    assert_int_equal(fault(VA_USER_NX, X86_FETCH, true), (1u << 4) | 4 | 1);
    /* The same page is readable, and executable pages fetch fine. */
    assert_int_equal(ok(VA_USER_NX, X86_READ, true), 0x21000);
    assert_int_equal(ok(VA_USER_RO, X86_FETCH, true), 0x22000);
    /* NX in an upper level covers everything below it. */
    set_entry(PD, 0, PT | P | W | U | NX);
    assert_int_equal(fault(VA_USER_RO, X86_FETCH, true) & (1u << 4), 1u << 4);
}

static void test_accessed_dirty(void **state)
{
    (void)state;
    assert_int_equal(entry(PT, 0x10) & (A | D), 0);
    assert_int_equal(ok(VA_RW, X86_READ, false), 0x10000);
    assert_int_equal(entry(PML4, 0) & A, A);
    assert_int_equal(entry(PDPT, 0) & A, A);
    assert_int_equal(entry(PD, 0) & A, A);
    assert_int_equal(entry(PT, 0x10) & (A | D), A); /* a read does not dirty */
    assert_int_equal(ok(VA_RW, X86_WRITE, false), 0x10000);
    assert_int_equal(entry(PT, 0x10) & (A | D), A | D);
    /* The address bits of the entries are unchanged by the walk. */
    assert_int_equal(entry(PT, 0x10) & 0x000FFFFFFFFFF000ULL, 0x10000);
    assert_int_equal(entry(PD, 0) & 0x000FFFFFFFFFF000ULL, PT);
    /* Dirty goes on the leaf: for a 2 MiB page that is the PDE. */
    assert_int_equal(entry(PD, 2) & (A | D), 0);
    assert_int_equal(ok(VA_2M + 4, X86_WRITE, false), 0x200004);
    assert_int_equal(entry(PD, 2) & (A | D), A | D);
    /* An entry not on the walked path is untouched. */
    assert_int_equal(entry(PT, 0x11) & (A | D), 0);
}

static void test_paging_disabled(void **state)
{
    (void)state;
    mmu.cr0 = CR0_PE;
    mmu.efer = 0;
    assert_int_equal(ok(0x12345, X86_READ, false), 0x12345);
    assert_int_equal(ok(VA_NP, X86_WRITE, true), VA_NP); /* no tables consulted */
    assert_int_equal(ok(VA_RO, X86_READ, false), VA_RO); /* not the 0x13000 remap */
    assert_int_equal(entry(PT, 0x11) & A, 0);
}

static void test_read_virt_cross_page(void **state)
{
    (void)state;
    /* Linear 0x10FFC..0x11003 spans PA 0x10FFC..0x10FFF and 0x13000..0x13003. */
    static const uint8_t lo[4] = {1, 2, 3, 4}, hi[4] = {5, 6, 7, 8};
    assert_int_equal(gmem_write(&gm, 0x10FFC, lo, 4), 0);
    assert_int_equal(gmem_write(&gm, 0x13000, hi, 4), 0);
    uint8_t buf[8] = {0};
    uint64_t fla = 0xDEAD;
    uint32_t pfec = 0xDEAD;
    assert_int_equal(x86_read_virt(&gm, &mmu, 0x10FFC, buf, 8, false, &fla, &pfec), 0);
    static const uint8_t want[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    assert_memory_equal(buf, want, 8);
}

static void test_read_virt_fault_second_page(void **state)
{
    (void)state;
    uint8_t buf[8];
    uint64_t fla = 0;
    uint32_t pfec = 0xDEAD;
    assert_int_equal(x86_read_virt(&gm, &mmu, VA_NP - 4, buf, 8, false, &fla, &pfec), -EFAULT);
    assert_int_equal(fla, VA_NP); /* the first byte of the second page */
    assert_int_equal(pfec, 0);
    /* A user read faults on the first (supervisor) page already. */
    assert_int_equal(x86_read_virt(&gm, &mmu, VA_RW + 0xFFC, buf, 8, true, &fla, &pfec), -EFAULT);
    assert_int_equal(fla, VA_RW + 0xFFC);
    assert_int_equal(pfec, 5);
}

static void test_write_virt(void **state)
{
    (void)state;
    static const uint8_t src[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    uint64_t fla = 0;
    uint32_t pfec = 0xDEAD;
    /* A write crossing from a user RW page (0x20FFC) into a user NX read-only page faults on
     * the second page with P|W|U. */
    assert_int_equal(x86_write_virt(&gm, &mmu, 0x20FFC, src, 8, true, &fla, &pfec), -EFAULT);
    assert_int_equal(fla, VA_USER_NX);
    assert_int_equal(pfec, 7);
    /* A write inside the 2 MiB page lands at the translated address and sets Dirty. */
    assert_int_equal(x86_write_virt(&gm, &mmu, VA_2M + 0x1FFFFC, src, 4, false, &fla, &pfec), 0);
    assert_memory_equal(gm.host + 0x3FFFFC, src, 4);
    assert_int_equal(entry(PD, 2) & D, D);
    /* Supervisor write to the read-only page with WP: fault at its first byte, pfec 3. */
    assert_int_equal(x86_write_virt(&gm, &mmu, VA_RO, src, 1, false, &fla, &pfec), -EFAULT);
    assert_int_equal(fla, VA_RO);
    assert_int_equal(pfec, 3);
    assert_int_equal(gm.host[0x13000], 0);
}

static void test_frame_outside_ram(void **state)
{
    (void)state;
    uint8_t buf[4] = {0};
    uint64_t fla = 0;
    uint32_t pfec = 0;
    /* Translation succeeds, the physical access does not: -ERANGE, not a #PF. */
    assert_int_equal(ok(VA_BAD_PA + 4, X86_READ, false), 0x10000004);
    assert_int_equal(x86_read_virt(&gm, &mmu, VA_BAD_PA, buf, 4, false, &fla, &pfec), -ERANGE);
    assert_int_equal(x86_write_virt(&gm, &mmu, VA_BAD_PA, buf, 4, false, &fla, &pfec), -ERANGE);
}

static void test_table_outside_ram(void **state)
{
    (void)state;
    /* A CR3 beyond RAM reads as not-present entries. */
    mmu.cr3 = 0x40000000ULL;
    assert_int_equal(fault(VA_RW, X86_READ, false), 0);
    assert_int_equal(fault(VA_RW, X86_WRITE, true), 6);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_4k_pages),
        T(test_2m_pages),
        T(test_not_present),
        T(test_write_protect),
        T(test_user_supervisor),
        T(test_nx),
        T(test_accessed_dirty),
        T(test_paging_disabled),
        T(test_read_virt_cross_page),
        T(test_read_virt_fault_second_page),
        T(test_write_virt),
        T(test_frame_outside_ram),
        T(test_table_outside_ram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
