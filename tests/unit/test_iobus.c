/* Unit tests for the device bus: adding ranges, overlap and limits, lookup and dispatch. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/iobus.h"

/* What the fake device saw last. */
struct fake_dev {
    uint64_t last_off;
    unsigned last_size;
    uint64_t last_val;
    unsigned reads, writes;
};

static uint64_t fake_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    (void)vm;
    struct fake_dev *d = opaque;
    d->last_off = off;
    d->last_size = size;
    d->reads++;
    return 0x1000 + off;
}

static void fake_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    (void)vm;
    struct fake_dev *d = opaque;
    d->last_off = off;
    d->last_size = size;
    d->last_val = val;
    d->writes++;
}

static const struct io_ops fake_ops = {"fake", fake_read, fake_write};
static const struct io_ops write_only_ops = {"write-only", NULL, fake_write};

static void test_add_find(void **state)
{
    (void)state;
    struct iobus bus;
    memset(&bus, 0, sizeof(bus));
    struct fake_dev a = {0}, b = {0};
    assert_int_equal(iobus_add(&bus, 0x3F8, 8, &fake_ops, &a), 0);
    assert_int_equal(iobus_add(&bus, 0xF4, 1, &fake_ops, &b), 0);
    assert_int_equal(bus.n, 2);
    const struct io_region *r = iobus_find(&bus, 0x3F8);
    assert_non_null(r);
    assert_int_equal(r->base, 0x3F8);
    assert_int_equal(r->len, 8);
    assert_ptr_equal(r->ops, &fake_ops);
    assert_ptr_equal(r->opaque, &a);
    r = iobus_find(&bus, 0x3FF); /* last byte */
    assert_non_null(r);
    assert_ptr_equal(r->opaque, &a);
    assert_null(iobus_find(&bus, 0x400)); /* one past */
    assert_null(iobus_find(&bus, 0x3F7)); /* one before */
    r = iobus_find(&bus, 0xF4);
    assert_non_null(r);
    assert_ptr_equal(r->opaque, &b);
    assert_null(iobus_find(&bus, 0xF5));
    iobus_release(&bus);
}

static void test_overlap(void **state)
{
    (void)state;
    struct iobus bus;
    memset(&bus, 0, sizeof(bus));
    struct fake_dev a = {0};
    assert_int_equal(iobus_add(&bus, 0x1000, 0x100, &fake_ops, &a), 0);
    assert_int_equal(iobus_add(&bus, 0x1000, 0x100, &fake_ops, &a), -EEXIST); /* same */
    assert_int_equal(iobus_add(&bus, 0x10FF, 1, &fake_ops, &a), -EEXIST);     /* last byte */
    assert_int_equal(iobus_add(&bus, 0xF00, 0x101, &fake_ops, &a), -EEXIST);  /* first byte */
    assert_int_equal(iobus_add(&bus, 0x1080, 8, &fake_ops, &a), -EEXIST);     /* inside */
    assert_int_equal(iobus_add(&bus, 0x0, 0x10000, &fake_ops, &a), -EEXIST);  /* around */
    assert_int_equal(bus.n, 1);
    /* Adjacent on both sides is fine. */
    assert_int_equal(iobus_add(&bus, 0xF00, 0x100, &fake_ops, &a), 0);
    assert_int_equal(iobus_add(&bus, 0x1100, 0x100, &fake_ops, &a), 0);
    assert_int_equal(bus.n, 3);
    /* A region ending at the top of the address space, then one overlapping it. */
    assert_int_equal(iobus_add(&bus, UINT64_MAX - 0xFF, 0x100, &fake_ops, &a), 0);
    assert_int_equal(iobus_add(&bus, UINT64_MAX, 1, &fake_ops, &a), -EEXIST);
    const struct io_region *r = iobus_find(&bus, UINT64_MAX);
    assert_non_null(r);
    assert_int_equal(r->base, UINT64_MAX - 0xFF);
    iobus_release(&bus);
}

static void test_bad_ranges(void **state)
{
    (void)state;
    struct iobus bus;
    memset(&bus, 0, sizeof(bus));
    struct fake_dev a = {0};
    assert_int_equal(iobus_add(&bus, 0x100, 0, &fake_ops, &a), -EINVAL);
    assert_int_equal(iobus_add(&bus, UINT64_MAX, 2, &fake_ops, &a), -EINVAL);
    assert_int_equal(iobus_add(&bus, 0x10, UINT64_MAX, &fake_ops, &a), -EINVAL);
    assert_int_equal(iobus_add(&bus, UINT64_MAX - 0xF, 0x11, &fake_ops, &a), -EINVAL);
    assert_int_equal(bus.n, 0);
    assert_null(iobus_find(&bus, 0x100));
    assert_null(iobus_find(&bus, 0));
    iobus_release(&bus);
}

/* No fixed cap: a PC claims a few dozen port ranges; added in any order, all are found; and
 * removal (PCI BARs move) frees exactly the removed range. */
static void test_many_and_remove(void **state)
{
    (void)state;
    struct iobus bus;
    memset(&bus, 0, sizeof(bus));
    struct fake_dev a = {0};
    const unsigned n = 100;
    for (unsigned i = 0; i < n; i++) {
        uint64_t slot = (i * 37) % n; /* out of order */
        assert_int_equal(iobus_add(&bus, 0x100 * slot, 0x10, &fake_ops, &a), 0);
    }
    assert_int_equal(bus.n, n);
    for (unsigned i = 0; i < n; i++) {
        const struct io_region *r = iobus_find(&bus, 0x100 * (uint64_t)i + 0xF);
        assert_non_null(r);
        assert_int_equal(r->base, 0x100 * (uint64_t)i);
        assert_null(iobus_find(&bus, 0x100 * (uint64_t)i + 0x10));
    }
    assert_int_equal(iobus_remove(&bus, 0x500), 0);
    assert_int_equal(iobus_remove(&bus, 0x500), -ENOENT);
    assert_int_equal(iobus_remove(&bus, 0x601), -ENOENT); /* not a region's base */
    assert_int_equal(bus.n, n - 1);
    assert_null(iobus_find(&bus, 0x505));
    assert_non_null(iobus_find(&bus, 0x405));
    assert_non_null(iobus_find(&bus, 0x605));
    /* The freed range can be claimed again, with another length. */
    assert_int_equal(iobus_add(&bus, 0x500, 0x100, &fake_ops, &a), 0);
    assert_int_equal(iobus_add(&bus, 0x5F0, 0x1, &fake_ops, &a), -EEXIST);
    iobus_release(&bus);
    assert_int_equal(bus.n, 0);
    assert_null(iobus_find(&bus, 0x105));
}

static void test_dispatch(void **state)
{
    (void)state;
    struct iobus bus;
    memset(&bus, 0, sizeof(bus));
    struct fake_dev a = {0};
    assert_int_equal(iobus_add(&bus, 0x3F8, 8, &fake_ops, &a), 0);
    uint64_t v = 0;
    assert_true(iobus_read(NULL, &bus, 0x3FD, 1, &v));
    assert_int_equal(v, 0x1005);
    assert_int_equal(a.last_off, 5); /* relative to the base */
    assert_int_equal(a.last_size, 1);
    assert_int_equal(a.reads, 1);
    assert_true(iobus_write(NULL, &bus, 0x3F8, 2, 0xBEEF));
    assert_int_equal(a.last_off, 0);
    assert_int_equal(a.last_size, 2);
    assert_int_equal(a.last_val, 0xBEEF);
    assert_int_equal(a.writes, 1);
    /* Unclaimed writes are dropped and reported as unclaimed. */
    assert_false(iobus_write(NULL, &bus, 0x400, 1, 0x55));
    assert_int_equal(a.writes, 1);
    iobus_release(&bus);
}

static void test_unclaimed_read(void **state)
{
    (void)state;
    struct iobus bus;
    memset(&bus, 0, sizeof(bus));
    uint64_t v = 0;
    assert_false(iobus_read(NULL, &bus, 0x80, 1, &v));
    assert_int_equal(v, 0xFF);
    v = 0;
    assert_false(iobus_read(NULL, &bus, 0x80, 2, &v));
    assert_int_equal(v, 0xFFFF);
    v = 0;
    assert_false(iobus_read(NULL, &bus, 0x80, 4, &v));
    assert_int_equal(v, 0xFFFFFFFFULL);
    v = 0;
    assert_false(iobus_read(NULL, &bus, 0x80, 8, &v));
    assert_int_equal(v, UINT64_MAX);
    iobus_release(&bus);
}

static void test_write_only_device_read(void **state)
{
    (void)state;
    struct iobus bus;
    memset(&bus, 0, sizeof(bus));
    struct fake_dev a = {0};
    assert_int_equal(iobus_add(&bus, 0x500, 4, &write_only_ops, &a), 0);
    uint64_t v = 0;
    /* Claimed, but the device has no read callback: all ones of the size. */
    assert_true(iobus_read(NULL, &bus, 0x501, 2, &v));
    assert_int_equal(v, 0xFFFF);
    assert_int_equal(a.reads, 0);
    assert_true(iobus_write(NULL, &bus, 0x502, 1, 7));
    assert_int_equal(a.last_off, 2);
    assert_int_equal(a.last_val, 7);
    iobus_release(&bus);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_find),
        cmocka_unit_test(test_overlap),
        cmocka_unit_test(test_bad_ranges),
        cmocka_unit_test(test_many_and_remove),
        cmocka_unit_test(test_dispatch),
        cmocka_unit_test(test_unclaimed_read),
        cmocka_unit_test(test_write_only_device_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
