/* Unit tests for boards: region lists (overlaps refused), the e820 view, RAM placement above 4 GiB,
 * and guest memory in several slots. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/board.h"
#include "softkvm/gmem.h"

#define MIB (1ULL << 20)
#define GIB (1ULL << 30)

static void test_region_overlaps(void **state)
{
    (void)state;
    struct region_list l = {0};
    assert_int_equal(region_add(&l, "a", REGION_RAM, 0x1000, 0x1000), 0);
    assert_int_equal(region_add(&l, "b", REGION_MMIO, 0x3000, 0x1000), 0);
    assert_int_equal(region_add(&l, "c", REGION_ROM, 0x2000, 0x1000), 0); /* between, touching */
    assert_int_equal(region_add(&l, "x", REGION_RAM, 0x1FFF, 2), -EEXIST);
    assert_int_equal(region_add(&l, "x", REGION_RAM, 0x0, 0x1001), -EEXIST);
    assert_int_equal(region_add(&l, "x", REGION_RAM, 0x3FFF, 1), -EEXIST);
    assert_int_equal(region_add(&l, "x", REGION_RAM, 0x0, 0x10000), -EEXIST); /* covers all */
    assert_int_equal(region_add(&l, "x", REGION_RAM, 0x5000, 0), -EINVAL);
    assert_int_equal(region_add(&l, "x", REGION_RAM, UINT64_MAX, 2), -EINVAL); /* wraps */
    assert_int_equal(l.n, 3);
    /* Kept sorted by base. */
    assert_int_equal(l.r[0].base, 0x1000);
    assert_int_equal(l.r[1].base, 0x2000);
    assert_int_equal(l.r[2].base, 0x3000);
    assert_string_equal(region_find(&l, 0x2FFF)->name, "c");
    assert_null(region_find(&l, 0x4000));
    assert_null(region_find(&l, 0xFFF));
    for (unsigned i = 3; i < BOARD_MAX_REGIONS; i++)
        assert_int_equal(region_add(&l, "f", REGION_RESERVED, 0x10000 * (uint64_t)i, 1), 0);
    assert_int_equal(region_add(&l, "full", REGION_RESERVED, 0x1000000, 1), -ENOSPC);
}

static void test_e820(void **state)
{
    (void)state;
    struct region_list l = {0};
    assert_int_equal(region_add(&l, "fw", REGION_FIRMWARE, 0, MIB), 0);
    assert_int_equal(region_add(&l, "ram", REGION_RAM, MIB, 63 * MIB), 0);
    assert_int_equal(region_add(&l, "ram2", REGION_RAM, 64 * MIB, 64 * MIB), 0); /* adjacent */
    assert_int_equal(region_add(&l, "dev", REGION_MMIO, 0xF0000000, 0x1000), 0);
    assert_int_equal(region_add(&l, "rom", REGION_ROM, 0xFFFF0000, 0x10000), 0);
    assert_int_equal(region_add(&l, "hi", REGION_RAM, 4 * GIB, GIB), 0);
    struct e820_entry e[8];
    int n = region_list_e820(&l, e, 8);
    assert_int_equal(n, 4);
    assert_int_equal(e[0].addr, 0);
    assert_int_equal(e[0].size, MIB);
    assert_int_equal(e[0].type, E820_RESERVED);
    assert_int_equal(e[1].addr, MIB); /* the two adjacent RAM regions merged */
    assert_int_equal(e[1].size, 127 * MIB);
    assert_int_equal(e[1].type, E820_RAM);
    assert_int_equal(e[2].addr, 0xFFFF0000); /* MMIO left out, ROM reserved */
    assert_int_equal(e[2].type, E820_RESERVED);
    assert_int_equal(e[3].addr, 4 * GIB);
    assert_int_equal(e[3].size, GIB);
    assert_int_equal(e[3].type, E820_RAM);
    assert_int_equal(region_list_e820(&l, e, 3), -ENOSPC);
}

static const struct mem_region pc_fixed[] = {{"testdev", REGION_MMIO, 0xF0000000, 0x1000}};

static const struct mem_region fw_carve[] = {{"fw", REGION_FIRMWARE, 0, MIB}};

static const struct board pc_like = {
    .name = "t",
    .ram_low_max = 3 * GIB,
    .ram_high_base = 4 * GIB,
    .carve = fw_carve,
    .ncarve = 1,
    .fixed = pc_fixed,
    .nfixed = 1,
};

static void test_layout_above_4g(void **state)
{
    (void)state;
    struct region_list l;
    char err[200];
    assert_int_equal(board_layout(&pc_like, 8192 * MIB, &l, err, sizeof(err)), 0);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.r[0].kind, REGION_FIRMWARE);
    assert_int_equal(l.r[1].base, MIB);
    assert_int_equal(l.r[1].size, 3 * GIB - MIB);
    assert_int_equal(l.r[2].kind, REGION_MMIO);
    assert_int_equal(l.r[3].base, 4 * GIB);
    assert_int_equal(l.r[3].size, 5 * GIB); /* 8 GiB in all */
    /* Small RAM: no high part. */
    assert_int_equal(board_layout(&pc_like, 128 * MIB, &l, err, sizeof(err)), 0);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.r[1].size, 127 * MIB);
    /* Exactly 3 GiB: still no high part. */
    assert_int_equal(board_layout(&pc_like, 3 * GIB, &l, err, sizeof(err)), 0);
    assert_int_equal(l.n, 3);
}

static void test_layout_refusals(void **state)
{
    (void)state;
    struct region_list l;
    char err[200] = "";
    struct board no_high = pc_like;
    no_high.ram_high_base = 0;
    assert_int_equal(board_layout(&no_high, 4 * GIB, &l, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "at most 3072 MiB"));
    /* A fixed region that falls into RAM is refused. */
    static const struct mem_region bad_fixed[] = {{"oops", REGION_MMIO, 2 * GIB, 0x1000}};
    struct board bad = pc_like;
    bad.fixed = bad_fixed;
    assert_int_equal(board_layout(&bad, 3 * GIB, &l, err, sizeof(err)), -EEXIST);
    assert_non_null(strstr(err, "oops"));
    /* The boot area must fit in RAM. */
    static const struct mem_region big[] = {{"big-fw", REGION_FIRMWARE, 0, 4 * MIB}};
    struct board big_fw = pc_like;
    big_fw.carve = big;
    assert_int_equal(board_layout(&big_fw, 2 * MIB, &l, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "big-fw"));
}

/* A PC-style low window: RAM, a hole that is not RAM, firmware, RAM. */
static void test_layout_carve_holes(void **state)
{
    (void)state;
    static const struct mem_region pc_carve[] = {
        {"vga-hole", REGION_RESERVED, 0xA0000, 0x40000},
        {"bios", REGION_FIRMWARE, 0xE0000, 0x20000},
    };
    struct board b = pc_like;
    b.carve = pc_carve;
    b.ncarve = 2;
    struct region_list l;
    char err[200];
    assert_int_equal(board_layout(&b, 128 * MIB, &l, err, sizeof(err)), 0);
    assert_int_equal(l.n, 5); /* ram, hole, bios, ram, testdev */
    assert_int_equal(l.r[0].kind, REGION_RAM);
    assert_int_equal(l.r[0].size, 0xA0000);
    assert_int_equal(l.r[1].kind, REGION_RESERVED);
    assert_int_equal(l.r[2].kind, REGION_FIRMWARE);
    assert_int_equal(l.r[3].base, MIB);
    assert_int_equal(l.r[3].size, 127 * MIB);
    struct e820_entry e[8];
    assert_int_equal(region_list_e820(&l, e, 8), 3); /* hole and bios merge as reserved */
    assert_int_equal(e[1].addr, 0xA0000);
    assert_int_equal(e[1].size, 0x60000);
}

static void test_gmem_slots(void **state)
{
    (void)state;
    struct gmem gm;
    const struct gmem_slot slots[] = {{0, 2 * MIB, NULL}, {4 * GIB, MIB, NULL}};
    assert_int_equal(gmem_init_slots(&gm, slots, 2), 0);
    assert_int_equal(gm.size, 3 * MIB);
    assert_true(gmem_in_range(&gm, 0, 2 * MIB));
    assert_false(gmem_in_range(&gm, 2 * MIB - 1, 2)); /* past the first slot */
    assert_false(gmem_in_range(&gm, 3 * GIB, 1));     /* the hole */
    assert_true(gmem_in_range(&gm, 4 * GIB, MIB));
    assert_false(gmem_in_range(&gm, 4 * GIB, MIB + 1));
    assert_false(gmem_in_range(&gm, 4 * GIB - 1, 2)); /* into the slot from the hole */
    assert_false(gmem_in_range(&gm, UINT64_MAX, 1));
    assert_int_equal(gmem_write_le64(&gm, 4 * GIB + 8, 0x1122334455667788ULL), 0);
    uint64_t v = 0;
    assert_int_equal(gmem_read_le64(&gm, 4 * GIB + 8, &v), 0);
    assert_int_equal(v, 0x1122334455667788ULL);
    /* The high slot's bytes are its own, not the low slot's. */
    assert_int_equal(gmem_read_le64(&gm, 8, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(gmem_read_le64(&gm, 2 * MIB + 8, &v), -EFAULT);
    assert_ptr_equal(gmem_ptr(&gm, 4 * GIB, 1), gm.host + 2 * MIB);
    gmem_release(&gm);
    /* Unsorted, overlapping or unaligned slots are refused. */
    const struct gmem_slot rev[] = {{4 * GIB, MIB, NULL}, {0, MIB, NULL}};
    assert_int_equal(gmem_init_slots(&gm, rev, 2), -EINVAL);
    const struct gmem_slot ovl[] = {{0, 2 * MIB, NULL}, {MIB, MIB, NULL}};
    assert_int_equal(gmem_init_slots(&gm, ovl, 2), -EINVAL);
    const struct gmem_slot odd[] = {{0x800, MIB, NULL}};
    assert_int_equal(gmem_init_slots(&gm, odd, 1), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_region_overlaps),    cmocka_unit_test(test_e820),
        cmocka_unit_test(test_layout_above_4g),    cmocka_unit_test(test_layout_refusals),
        cmocka_unit_test(test_layout_carve_holes), cmocka_unit_test(test_gmem_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
