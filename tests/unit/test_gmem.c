/* Unit tests for checked guest memory: bounds, overflow, page crossing, byte order, -EFAULT. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/gmem.h"

#define RAM (4 * SKVM_PAGE_SIZE) /* 16 KiB: four pages */

static int setup(void **state)
{
    static struct gmem gm;
    if (gmem_init(&gm, RAM) != 0)
        return -1;
    *state = &gm;
    return 0;
}

static int teardown(void **state)
{
    gmem_release(*state);
    return 0;
}

static void test_init_release(void **state)
{
    (void)state;
    struct gmem gm;
    assert_int_equal(gmem_init(&gm, 2 * SKVM_PAGE_SIZE), 0);
    assert_non_null(gm.host);
    assert_int_equal(gm.size, 2 * SKVM_PAGE_SIZE);
    /* Fresh RAM is zeroed. */
    for (uint64_t i = 0; i < gm.size; i++)
        assert_int_equal(gm.host[i], 0);
    gmem_release(&gm);
    assert_null(gm.host);
    assert_int_equal(gm.size, 0);
    /* A second release of the same gmem is harmless and leaves it empty. */
    gmem_release(&gm);
    assert_null(gm.host);
    assert_int_equal(gm.size, 0);
    /* After release nothing is reachable. */
    assert_null(gmem_ptr(&gm, 0, 1));
    uint8_t b = 0;
    assert_int_equal(gmem_read(&gm, 0, &b, 1), -EFAULT);
}

static void test_init_bad_size(void **state)
{
    (void)state;
    struct gmem gm;
    memset(&gm, 0xAA, sizeof(gm));
    assert_int_equal(gmem_init(&gm, 0), -EINVAL);
    assert_null(gm.host);
    assert_int_equal(gm.size, 0);
    assert_int_equal(gmem_init(&gm, SKVM_PAGE_SIZE + 1), -EINVAL);
    assert_null(gm.host);
    assert_int_equal(gm.size, 0);
}

static void test_in_range_bounds(void **state)
{
    const struct gmem *gm = *state;
    assert_true(gmem_in_range(gm, 0, RAM));
    assert_false(gmem_in_range(gm, 0, RAM + 1));
    assert_true(gmem_in_range(gm, RAM - 1, 1)); /* last byte */
    assert_false(gmem_in_range(gm, RAM, 1));    /* one past */
    assert_false(gmem_in_range(gm, RAM - 1, 2));
    assert_true(gmem_in_range(gm, RAM - 8, 8));
    assert_false(gmem_in_range(gm, RAM - 7, 8));
}

static void test_in_range_len0(void **state)
{
    const struct gmem *gm = *state;
    assert_true(gmem_in_range(gm, 0, 0));
    assert_true(gmem_in_range(gm, RAM - 1, 0));
    assert_true(gmem_in_range(gm, RAM, 0)); /* gpa == size is the empty range at the end */
    assert_false(gmem_in_range(gm, RAM + 1, 0));
    assert_false(gmem_in_range(gm, UINT64_MAX, 0));
}

static void test_in_range_overflow(void **state)
{
    const struct gmem *gm = *state;
    /* Each of these would wrap to a small end address with naive gpa + len arithmetic. */
    assert_false(gmem_in_range(gm, UINT64_MAX, 1));
    assert_false(gmem_in_range(gm, UINT64_MAX, 2));
    assert_false(gmem_in_range(gm, UINT64_MAX - 7, 16));
    assert_false(gmem_in_range(gm, 1, UINT64_MAX));
    assert_false(gmem_in_range(gm, 16, UINT64_MAX - 15)); /* 16 + len == 2^64 -> 0 */
    assert_false(gmem_in_range(gm, RAM - 1, UINT64_MAX));
    assert_false(gmem_in_range(gm, 0, UINT64_MAX));
    assert_null(gmem_ptr(gm, UINT64_MAX, 2));
    assert_null(gmem_ptr(gm, 16, UINT64_MAX - 15));
}

static void test_ptr(void **state)
{
    const struct gmem *gm = *state;
    assert_ptr_equal(gmem_ptr(gm, 0, 1), gm->host);
    assert_ptr_equal(gmem_ptr(gm, RAM - 1, 1), gm->host + RAM - 1);
    assert_ptr_equal(gmem_ptr(gm, 0x1234, 0x10), gm->host + 0x1234);
    assert_null(gmem_ptr(gm, RAM, 1));
    assert_null(gmem_ptr(gm, RAM - 1, 2));
}

static void test_read_write_bounds(void **state)
{
    struct gmem *gm = *state;
    uint8_t b = 0x5A, out = 0;
    assert_int_equal(gmem_write(gm, RAM - 1, &b, 1), 0);
    assert_int_equal(gm->host[RAM - 1], 0x5A);
    assert_int_equal(gmem_read(gm, RAM - 1, &out, 1), 0);
    assert_int_equal(out, 0x5A);
    assert_int_equal(gmem_write(gm, RAM, &b, 1), -EFAULT);
    assert_int_equal(gmem_read(gm, RAM, &out, 1), -EFAULT);
}

static void test_len0(void **state)
{
    struct gmem *gm = *state;
    uint8_t buf[4] = {1, 2, 3, 4};
    gm->host[RAM - 1] = 0x77;
    assert_int_equal(gmem_write(gm, RAM, buf, 0), 0);
    assert_int_equal(gmem_read(gm, RAM, buf, 0), 0);
    assert_int_equal(buf[0], 1); /* nothing copied */
    assert_int_equal(gm->host[RAM - 1], 0x77);
    assert_int_equal(gmem_read(gm, RAM + 1, buf, 0), -EFAULT);
    assert_int_equal(gmem_write(gm, UINT64_MAX, buf, 0), -EFAULT);
}

static void test_failure_copies_nothing(void **state)
{
    struct gmem *gm = *state;
    /* A read that starts inside RAM but ends one byte past must leave the buffer untouched. */
    memset(gm->host + RAM - 8, 0x11, 8);
    uint8_t buf[9];
    memset(buf, 0xEE, sizeof(buf));
    assert_int_equal(gmem_read(gm, RAM - 8, buf, 9), -EFAULT);
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0xEE);
    /* A write that ends one byte past must leave guest RAM untouched. */
    uint8_t src[9];
    memset(src, 0x99, sizeof(src));
    assert_int_equal(gmem_write(gm, RAM - 8, src, 9), -EFAULT);
    for (uint64_t i = RAM - 8; i < RAM; i++)
        assert_int_equal(gm->host[i], 0x11);
    /* The same with a wrapping range. */
    assert_int_equal(gmem_write(gm, UINT64_MAX - 3, src, 9), -EFAULT);
    assert_int_equal(gmem_read(gm, UINT64_MAX - 3, buf, 9), -EFAULT);
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0xEE);
    assert_int_equal(gm->host[0], 0); /* a wrapped write would have landed at 0.. */
    assert_int_equal(gm->host[4], 0);
}

static void test_page_crossing(void **state)
{
    struct gmem *gm = *state;
    uint8_t src[64], dst[64];
    for (size_t i = 0; i < sizeof(src); i++)
        src[i] = (uint8_t)(i * 7 + 3);
    gpa_t gpa = SKVM_PAGE_SIZE - 20; /* 20 bytes in page 0, 44 in page 1 */
    assert_int_equal(gmem_write(gm, gpa, src, sizeof(src)), 0);
    assert_memory_equal(gm->host + gpa, src, sizeof(src));
    memset(dst, 0, sizeof(dst));
    assert_int_equal(gmem_read(gm, gpa, dst, sizeof(dst)), 0);
    assert_memory_equal(dst, src, sizeof(src));
    /* Crossing from the third into the fourth (last) page, ending exactly at RAM end. */
    assert_int_equal(gmem_write(gm, RAM - sizeof(src), src, sizeof(src)), 0);
    assert_memory_equal(gm->host + RAM - sizeof(src), src, sizeof(src));
    /* An 8-byte scalar across a page boundary. */
    assert_int_equal(gmem_write_le64(gm, 2 * SKVM_PAGE_SIZE - 3, 0x0102030405060708ULL), 0);
    uint64_t v = 0;
    assert_int_equal(gmem_read_le64(gm, 2 * SKVM_PAGE_SIZE - 3, &v), 0);
    assert_int_equal(v, 0x0102030405060708ULL);
    assert_int_equal(gm->host[2 * SKVM_PAGE_SIZE - 3], 0x08);
    assert_int_equal(gm->host[2 * SKVM_PAGE_SIZE + 4], 0x01);
}

static void test_le_scalars(void **state)
{
    struct gmem *gm = *state;
    static const uint8_t le64[8] = {0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01};
    static const uint8_t le32[4] = {0xDD, 0xCC, 0xBB, 0xAA};
    assert_int_equal(gmem_write_le64(gm, 0x100, 0x0102030405060708ULL), 0);
    assert_memory_equal(gm->host + 0x100, le64, 8);
    assert_int_equal(gmem_write_le32(gm, 0x200, 0xAABBCCDDu), 0);
    assert_memory_equal(gm->host + 0x200, le32, 4);
    /* Reads decode independently of how the bytes got there. */
    static const uint8_t raw[8] = {0xF0, 0xDE, 0xBC, 0x9A, 0x78, 0x56, 0x34, 0x12};
    memcpy(gm->host + 0x300, raw, 8);
    uint64_t v64 = 0;
    uint32_t v32 = 0;
    assert_int_equal(gmem_read_le64(gm, 0x300, &v64), 0);
    assert_int_equal(v64, 0x123456789ABCDEF0ULL);
    assert_int_equal(gmem_read_le32(gm, 0x300, &v32), 0);
    assert_int_equal(v32, 0x9ABCDEF0u);
    /* High bit set survives (no sign extension). */
    assert_int_equal(gmem_write_le32(gm, 0x400, 0xFFFFFFFEu), 0);
    assert_int_equal(gmem_read_le32(gm, 0x400, &v32), 0);
    assert_int_equal(v32, 0xFFFFFFFEu);
}

static void test_be_scalars(void **state)
{
    struct gmem *gm = *state;
    static const uint8_t be64[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
    static const uint8_t be32[4] = {0xAA, 0xBB, 0xCC, 0xDD};
    assert_int_equal(gmem_write_be64(gm, 0x500, 0x0102030405060708ULL), 0);
    assert_memory_equal(gm->host + 0x500, be64, 8);
    assert_int_equal(gmem_write_be32(gm, 0x600, 0xAABBCCDDu), 0);
    assert_memory_equal(gm->host + 0x600, be32, 4);
    static const uint8_t raw[8] = {0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0};
    memcpy(gm->host + 0x700, raw, 8);
    uint64_t v64 = 0;
    uint32_t v32 = 0;
    assert_int_equal(gmem_read_be64(gm, 0x700, &v64), 0);
    assert_int_equal(v64, 0x123456789ABCDEF0ULL);
    assert_int_equal(gmem_read_be32(gm, 0x700, &v32), 0);
    assert_int_equal(v32, 0x12345678u);
    /* The same bytes read little-endian give the swapped value. */
    assert_int_equal(gmem_read_le32(gm, 0x700, &v32), 0);
    assert_int_equal(v32, 0x78563412u);
}

static void test_scalars_bounds(void **state)
{
    struct gmem *gm = *state;
    uint64_t v64 = 0x1111;
    uint32_t v32 = 0x2222;
    /* Last fitting position succeeds. */
    assert_int_equal(gmem_write_le64(gm, RAM - 8, 0xA1A2A3A4A5A6A7A8ULL), 0);
    assert_int_equal(gmem_read_be64(gm, RAM - 8, &v64), 0);
    assert_int_equal(v64, 0xA8A7A6A5A4A3A2A1ULL);
    assert_int_equal(gmem_write_be32(gm, RAM - 4, 0x01020304u), 0);
    assert_int_equal(gmem_read_le32(gm, RAM - 4, &v32), 0);
    assert_int_equal(v32, 0x04030201u);
    /* One byte further fails, leaves out untouched, and writes nothing. */
    uint8_t before[8];
    memcpy(before, gm->host + RAM - 8, 8);
    v64 = 0x1111;
    v32 = 0x2222;
    assert_int_equal(gmem_read_le64(gm, RAM - 7, &v64), -EFAULT);
    assert_int_equal(gmem_read_be64(gm, RAM - 7, &v64), -EFAULT);
    assert_int_equal(v64, 0x1111);
    assert_int_equal(gmem_read_le32(gm, RAM - 3, &v32), -EFAULT);
    assert_int_equal(gmem_read_be32(gm, RAM - 3, &v32), -EFAULT);
    assert_int_equal(v32, 0x2222);
    assert_int_equal(gmem_write_le64(gm, RAM - 7, 0), -EFAULT);
    assert_int_equal(gmem_write_be64(gm, RAM - 7, 0), -EFAULT);
    assert_int_equal(gmem_write_le32(gm, RAM - 3, 0), -EFAULT);
    assert_int_equal(gmem_write_be32(gm, RAM - 3, 0), -EFAULT);
    assert_memory_equal(gm->host + RAM - 8, before, 8);
    /* Near UINT64_MAX nothing wraps. */
    assert_int_equal(gmem_read_le64(gm, UINT64_MAX - 3, &v64), -EFAULT);
    assert_int_equal(gmem_write_le32(gm, UINT64_MAX - 1, 0xFFFFFFFFu), -EFAULT);
    assert_int_equal(gmem_write_be64(gm, UINT64_MAX, 0xFFFFFFFFFFFFFFFFULL), -EFAULT);
    assert_int_equal(v64, 0x1111);
    assert_int_equal(gm->host[0], 0);
    assert_int_equal(gm->host[1], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_release),
        cmocka_unit_test(test_init_bad_size),
        cmocka_unit_test_setup_teardown(test_in_range_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_range_len0, setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_range_overflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ptr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_write_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_len0, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_copies_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_crossing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_le_scalars, setup, teardown),
        cmocka_unit_test_setup_teardown(test_be_scalars, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scalars_bounds, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
