/* Unit tests for split virtqueues over checked guest memory: layout checks, taking chains,
 * publishing used entries, and every malformed queue (bad indices, loops, indirect descriptors,
 * buffers and rings outside RAM) giving an error code. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "devices/virtqueue.h"

#define RAM   (8 * SKVM_PAGE_SIZE)
#define DESC  0x1000ULL
#define AVAIL 0x2000ULL
#define USED  0x3000ULL
#define BUF   0x4000ULL

static struct gmem gm;

static int setup(void **state)
{
    (void)state;
    return gmem_init(&gm, RAM);
}

static int teardown(void **state)
{
    (void)state;
    gmem_release(&gm);
    return 0;
}

static void put16(gpa_t a, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    assert_int_equal(gmem_write(&gm, a, b, 2), 0);
}

static uint16_t get16(gpa_t a)
{
    uint8_t b[2];
    assert_int_equal(gmem_read(&gm, a, b, 2), 0);
    return (uint16_t)(b[0] | b[1] << 8);
}

static void put_desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    assert_int_equal(gmem_write_le64(&gm, DESC + 16 * i, addr), 0);
    assert_int_equal(gmem_write_le32(&gm, DESC + 16 * i + 8, len), 0);
    put16(DESC + 16 * i + 12, flags);
    put16(DESC + 16 * i + 14, next);
}

/* A fresh queue of 8 entries; the driver ring publishes heads[0 .. n). */
static struct virtq fresh(const uint16_t *heads, unsigned n)
{
    memset(gm.host, 0, RAM);
    for (unsigned i = 0; i < n; i++)
        put16(AVAIL + 4 + 2 * i, heads[i]);
    put16(AVAIL + 2, (uint16_t)n);
    return (struct virtq){.num = 8, .desc = DESC, .avail = AVAIL, .used = USED};
}

static void test_check(void **state)
{
    (void)state;
    struct virtq q = {.num = 8, .desc = DESC, .avail = AVAIL, .used = USED};
    assert_int_equal(virtq_check(&gm, &q), 0);
    q.num = 6;
    assert_int_equal(virtq_check(&gm, &q), -EINVAL);
    q.num = 0;
    assert_int_equal(virtq_check(&gm, &q), -EINVAL);
    q.num = 65536;
    assert_int_equal(virtq_check(&gm, &q), -EINVAL);
    q.num = 8;
    q.desc = DESC + 8;
    assert_int_equal(virtq_check(&gm, &q), -EINVAL);
    q.desc = RAM - 64; /* 128 bytes of descriptors do not fit */
    assert_int_equal(virtq_check(&gm, &q), -EFAULT);
    q.desc = DESC;
    q.used = UINT64_MAX - 3; /* wraps */
    assert_int_equal(virtq_check(&gm, &q), -EFAULT);
}

static void test_pop_push(void **state)
{
    (void)state;
    const uint16_t heads[] = {3, 5};
    struct virtq q = fresh(heads, 2);
    put_desc(3, BUF, 10, VIRTQ_DESC_F_NEXT, 4);
    put_desc(4, BUF + 100, 20, VIRTQ_DESC_F_WRITE, 0);
    put_desc(5, BUF + 200, 30, 0, 0);
    struct virtq_elem e;
    assert_int_equal(virtq_pop(&gm, &q, &e), 1);
    assert_int_equal(e.head, 3);
    assert_int_equal(e.nseg, 2);
    assert_int_equal(e.seg[0].addr, BUF);
    assert_int_equal(e.seg[0].len, 10);
    assert_false(e.seg[0].write);
    assert_int_equal(e.seg[1].addr, BUF + 100);
    assert_true(e.seg[1].write);
    assert_int_equal(virtq_push(&gm, &q, e.head, 7), 0);
    assert_int_equal(get16(USED + 2), 1);
    uint32_t id, len;
    assert_int_equal(gmem_read_le32(&gm, USED + 4, &id), 0);
    assert_int_equal(gmem_read_le32(&gm, USED + 8, &len), 0);
    assert_int_equal(id, 3);
    assert_int_equal(len, 7);
    assert_int_equal(virtq_pop(&gm, &q, &e), 1);
    assert_int_equal(e.head, 5);
    assert_int_equal(e.nseg, 1);
    assert_int_equal(virtq_pop(&gm, &q, &e), 0); /* empty */
    assert_int_equal(q.last_avail, 2);
}

static void test_malformed(void **state)
{
    (void)state;
    struct virtq_elem e;
    const uint16_t bad_head[] = {8};
    struct virtq q = fresh(bad_head, 1);
    assert_int_equal(virtq_pop(&gm, &q, &e), -EINVAL);

    const uint16_t head0[] = {0};
    q = fresh(head0, 1);
    put_desc(0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
    put_desc(1, BUF, 8, VIRTQ_DESC_F_NEXT, 0); /* a loop */
    assert_int_equal(virtq_pop(&gm, &q, &e), -EINVAL);

    q = fresh(head0, 1);
    put_desc(0, BUF, 8, VIRTQ_DESC_F_NEXT, 9); /* next out of range */
    assert_int_equal(virtq_pop(&gm, &q, &e), -EINVAL);

    q = fresh(head0, 1);
    put_desc(0, BUF, 16, VIRTQ_DESC_F_INDIRECT, 0);
    assert_int_equal(virtq_pop(&gm, &q, &e), -EINVAL);

    q = fresh(head0, 1);
    put_desc(0, RAM - 4, 8, 0, 0); /* buffer past the end of RAM */
    assert_int_equal(virtq_pop(&gm, &q, &e), -EFAULT);

    q = fresh(head0, 1);
    put_desc(0, UINT64_MAX - 1, 4, 0, 0); /* wraps */
    assert_int_equal(virtq_pop(&gm, &q, &e), -EFAULT);

    q = fresh(head0, 1);
    put16(AVAIL + 2, 9); /* the driver claims more entries than the queue has */
    assert_int_equal(virtq_pop(&gm, &q, &e), -EINVAL);

    q = fresh(head0, 1);
    q.used = RAM; /* the device ring is outside RAM */
    assert_int_equal(virtq_pop(&gm, &q, &e), -EFAULT);
    assert_int_equal(virtq_push(&gm, &q, 0, 0), -EFAULT);
    q.num = 0;
    assert_int_equal(virtq_push(&gm, &q, 0, 0), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_pop_push),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
