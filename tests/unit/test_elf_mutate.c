/* Hostile-input test of the ELF loader: 200,000 deterministic mutations of a valid image must
 * each be rejected cleanly or load entirely inside guest RAM (run under ASan in make test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/elf.h"
#include "softkvm/gmem.h"

#define IMG 512

static void put(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A valid ELF64 x86-64 executable: one PT_LOAD of 64 bytes at 1 MiB with 64 bytes of bss. */
static void valid_image(uint8_t *b)
{
    memset(b, 0, IMG);
    memcpy(b, "\177ELF", 4);
    b[4] = 2; /* 64-bit */
    b[5] = 1; /* little-endian */
    b[6] = 1;
    put(b + 16, 2, 2);        /* ET_EXEC */
    put(b + 18, 2, 62);       /* EM_X86_64 */
    put(b + 24, 8, 0x100000); /* entry */
    put(b + 32, 8, 64);       /* phoff */
    put(b + 54, 2, 56);       /* phentsize */
    put(b + 56, 2, 1);        /* phnum */
    uint8_t *ph = b + 64;
    put(ph, 4, 1);             /* PT_LOAD */
    put(ph + 8, 8, 256);       /* offset */
    put(ph + 24, 8, 0x100000); /* paddr */
    put(ph + 32, 8, 64);       /* filesz */
    put(ph + 40, 8, 128);      /* memsz */
    for (int i = 0; i < 64; i++)
        b[256 + i] = (uint8_t)i;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void test_mutations_never_escape_ram(void **state)
{
    (void)state;
    struct gmem gm;
    assert_int_equal(gmem_init(&gm, 2u << 20), 0);
    uint8_t b[IMG];
    char err[256];
    unsigned accepted = 0, rejected = 0;
    for (unsigned iter = 0; iter < 200000; iter++) {
        valid_image(b);
        unsigned nmut = 1 + (unsigned)(rng() % 4);
        for (unsigned m = 0; m < nmut; m++) {
            /* Mostly the headers, sometimes a whole 8-byte field with a wild value. */
            size_t off = (size_t)(rng() % 128);
            if (rng() % 2)
                b[off] = (uint8_t)rng();
            else if (off + 8 <= IMG)
                put(b + off, 8, rng() % 3 == 0 ? ~0ULL - (rng() % 64) : rng());
        }
        uint64_t len = 64 + rng() % (IMG - 63); /* also truncated files */
        struct elf_image img;
        if (elf_parse(b, len, &img, err, sizeof(err)) != 0 ||
            elf_check_layout(&img, gm.size, 0, 0x100000, err, sizeof(err)) != 0) {
            assert_true(err[0] != '\0'); /* every rejection says why */
            rejected++;
            continue;
        }
        for (unsigned i = 0; i < img.nseg; i++) {
            assert_true(img.seg[i].paddr >= 0x100000);
            assert_true(gmem_in_range(&gm, img.seg[i].paddr, img.seg[i].memsz));
            assert_true(img.seg[i].offset + img.seg[i].filesz <= len);
        }
        assert_int_equal(elf_load(&img, b, &gm), 0);
        accepted++;
    }
    /* Both outcomes must actually occur, or the mutations test nothing. */
    assert_true(accepted > 1000);
    assert_true(rejected > 1000);
    gmem_release(&gm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutations_never_escape_ram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
