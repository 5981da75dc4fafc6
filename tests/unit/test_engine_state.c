/* Unit tests for the generic half of finding the engine's CPU state: the kernel-checked probe
 * and the unique-value search in a context blob. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/mman.h>

#include "softkvm/engine_state.h"

/* Mapped memory is copied; an unmapped page stops the copy there instead of faulting. */
static void test_probe_read_stops_at_unmapped(void **state)
{
    (void)state;
    uint8_t *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(p != MAP_FAILED);
    memset(p, 0xA5, 2 * 4096);
    assert_int_equal(munmap(p + 2 * 4096, 4096), 0);
    static uint8_t buf[3 * 4096];
    memset(buf, 0, sizeof(buf));
    assert_int_equal(engine_probe_read((uintptr_t)p + 100, buf, 50), 50);
    assert_int_equal(buf[0], 0xA5);
    assert_int_equal(buf[49], 0xA5);
    assert_int_equal(buf[50], 0);
    size_t got = engine_probe_read((uintptr_t)p, buf, sizeof(buf));
    assert_int_equal(got, 2 * 4096);
    assert_int_equal(engine_probe_read((uintptr_t)p + 2 * 4096, buf, 16), 0);
    assert_int_equal(engine_probe_read(8, buf, 16), 0); /* the null page */
    munmap(p, 2 * 4096);
}

/* A value found once gives its offset; absent or repeated gives -ENOENT; width 4 steps by 4. */
static void test_blob_find_unique_only(void **state)
{
    (void)state;
    uint8_t blob[64] = {0};
    uint64_t v = 0x1122334455667788ULL;
    memcpy(blob + 16, &v, 8);
    assert_int_equal(engine_blob_find(blob, sizeof(blob), v, 8), 16);
    assert_int_equal(engine_blob_find(blob, sizeof(blob), v + 1, 8), -ENOENT);
    memcpy(blob + 40, &v, 8);
    assert_int_equal(engine_blob_find(blob, sizeof(blob), v, 8), -ENOENT);
    uint32_t w = 0xCAFEF00D;
    memcpy(blob + 12, &w, 4);
    assert_int_equal(engine_blob_find(blob, sizeof(blob), w, 4), 12);
    assert_int_equal(engine_blob_find(blob, sizeof(blob), w, 8), -ENOENT); /* misaligned for 8 */
}

/* A snapshot finds marks written into the registers, and only once; absent marks give -ENOENT. */
static void test_context_snapshot(void **state)
{
    (void)state;
    uc_engine *uc;
    assert_int_equal(uc_open(UC_ARCH_X86, UC_MODE_64, &uc), UC_ERR_OK);
    uint64_t marks[2] = {0x5EC0FF5E11112222ULL, 0x5EC0FF5E33334444ULL};
    assert_int_equal(uc_reg_write(uc, UC_X86_REG_RAX, &marks[0]), UC_ERR_OK);
    assert_int_equal(uc_reg_write(uc, UC_X86_REG_RCX, &marks[1]), UC_ERR_OK); /* regs[1] */
    uint8_t *blob = NULL;
    size_t len = 0;
    size_t at = 0;
    assert_int_equal(engine_context_snapshot(uc, marks, sizeof(marks), &blob, &len, &at), 0);
    assert_non_null(blob);
    assert_int_equal(len, uc_context_size(uc));
    assert_memory_equal(blob + at, marks, sizeof(marks));
    free(blob);
    uint64_t absent[2] = {0x5EC0FF5E55556666ULL, 1};
    assert_int_equal(engine_context_snapshot(uc, absent, sizeof(absent), &blob, &len, &at),
                     -ENOENT);
    assert_int_equal(engine_context_snapshot(uc, absent, 4, &blob, &len, &at), -EINVAL);
    assert_null(blob);
    uc_close(uc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_read_stops_at_unmapped),
        cmocka_unit_test(test_blob_find_unique_only),
        cmocka_unit_test(test_context_snapshot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
