/* Unit tests for the ELF loader: parsing of in-memory images, malformed inputs, layout, loading. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/elf.h"
#include "softkvm/gmem.h"

#define MIB (1ULL << 20)

/* ELF64 header and program header field offsets. */
#define E_TYPE      16
#define E_MACHINE   18
#define E_VERSION   20
#define E_ENTRY     24
#define E_PHOFF     32
#define E_EHSIZE    52
#define E_PHENTSIZE 54
#define E_PHNUM     56
#define P_TYPE      0
#define P_OFFSET    8
#define P_VADDR     16
#define P_PADDR     24
#define P_FILESZ    32
#define P_MEMSZ     40

/* Layout of the valid image built by make_valid64. */
#define IMG_LEN  0x300
#define PH0      64            /* first program header (PT_LOAD, text) */
#define PH1      (64 + 56)     /* second (PT_NOTE, ignored) */
#define PH2      (64 + 2 * 56) /* third (PT_LOAD, data + bss) */
#define SEG0_OFF 0x100
#define SEG0_LEN 0x40
#define SEG1_OFF 0x200
#define SEG1_LEN 0x20
#define SEG1_MEM 0x1000
#define SEG0_PA  0x100000ULL
#define SEG1_PA  0x200000ULL
#define ENTRY    0x100010ULL

static uint8_t img_buf[IMG_LEN];

static void put(uint8_t *p, unsigned n, uint64_t v, bool be)
{
    for (unsigned i = 0; i < n; i++)
        p[be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static void put16(size_t off, uint64_t v)
{
    put(img_buf + off, 2, v, false);
}

static void put32(size_t off, uint64_t v)
{
    put(img_buf + off, 4, v, false);
}

static void put64(size_t off, uint64_t v)
{
    put(img_buf + off, 8, v, false);
}

static void put_phdr(size_t ph, uint32_t type, uint64_t off, uint64_t paddr, uint64_t filesz,
                     uint64_t memsz)
{
    put32(ph + P_TYPE, type);
    put32(ph + 4, 7); /* p_flags RWX */
    put64(ph + P_OFFSET, off);
    put64(ph + P_VADDR, paddr + 0xFFFF800000000000ULL); /* vaddr differs: paddr must be used */
    put64(ph + P_PADDR, paddr);
    put64(ph + P_FILESZ, filesz);
    put64(ph + P_MEMSZ, memsz);
    put64(ph + 48, 0x1000); /* p_align */
}

/* A valid ELF64 x86-64 ET_EXEC: PT_LOAD, PT_NOTE, PT_LOAD (the last with a bss tail). */
static void make_valid64(void)
{
    memset(img_buf, 0, sizeof(img_buf));
    memcpy(img_buf, "\177ELF", 4);
    img_buf[4] = 2; /* ELFCLASS64 */
    img_buf[5] = 1; /* ELFDATA2LSB */
    img_buf[6] = 1; /* EV_CURRENT */
    put16(E_TYPE, 2);
    put16(E_MACHINE, 62);
    put32(E_VERSION, 1);
    put64(E_ENTRY, ENTRY);
    put64(E_PHOFF, PH0);
    put16(E_EHSIZE, 64);
    put16(E_PHENTSIZE, 56);
    put16(E_PHNUM, 3);
    put_phdr(PH0, 1, SEG0_OFF, SEG0_PA, SEG0_LEN, SEG0_LEN);
    put_phdr(PH1, 4, SEG0_OFF, 0, 0x10, 0x10);
    put_phdr(PH2, 1, SEG1_OFF, SEG1_PA, SEG1_LEN, SEG1_MEM);
    for (unsigned i = 0; i < SEG0_LEN; i++)
        img_buf[SEG0_OFF + i] = (uint8_t)(0xA0 + i);
    for (unsigned i = 0; i < SEG1_LEN; i++)
        img_buf[SEG1_OFF + i] = (uint8_t)(0x10 + i);
}

static int setup(void **state)
{
    (void)state;
    make_valid64();
    return 0;
}

/* Parse img_buf[0..len) expecting -ENOEXEC with want in the message. */
static void expect_noexec(uint64_t len, const char *want)
{
    struct elf_image img;
    char err[256] = "";
    assert_int_equal(elf_parse(img_buf, len, &img, err, sizeof(err)), -ENOEXEC);
    if (strstr(err, want) == NULL)
        fail_msg("error message \"%s\" does not contain \"%s\"", err, want);
    assert_null(strchr(err, '\n')); /* one line */
}

static void test_parse_valid(void **state)
{
    (void)state;
    struct elf_image img;
    char err[256] = "";
    assert_int_equal(elf_parse(img_buf, IMG_LEN, &img, err, sizeof(err)), 0);
    assert_int_equal(img.machine, 62);
    assert_int_equal(img.elf_class, 2);
    assert_int_equal(img.data, 1);
    assert_int_equal(img.entry, ENTRY);
    assert_int_equal(img.nseg, 2); /* the PT_NOTE is not a segment */
    assert_int_equal(img.seg[0].paddr, SEG0_PA);
    assert_int_equal(img.seg[0].offset, SEG0_OFF);
    assert_int_equal(img.seg[0].filesz, SEG0_LEN);
    assert_int_equal(img.seg[0].memsz, SEG0_LEN);
    assert_int_equal(img.seg[1].paddr, SEG1_PA);
    assert_int_equal(img.seg[1].offset, SEG1_OFF);
    assert_int_equal(img.seg[1].filesz, SEG1_LEN);
    assert_int_equal(img.seg[1].memsz, SEG1_MEM);
}

static void test_parse_empty(void **state)
{
    (void)state;
    expect_noexec(0, "ELF magic");
}

static void test_parse_bad_magic(void **state)
{
    (void)state;
    img_buf[1] = 'X';
    expect_noexec(IMG_LEN, "ELF magic");
    make_valid64();
    memcpy(img_buf, "#!/bin/sh\n", 10);
    expect_noexec(IMG_LEN, "ELF magic");
}

static void test_parse_bad_class(void **state)
{
    (void)state;
    img_buf[4] = 3;
    expect_noexec(IMG_LEN, "class");
    img_buf[4] = 0;
    expect_noexec(IMG_LEN, "class");
}

static void test_parse_bad_data(void **state)
{
    (void)state;
    img_buf[5] = 0;
    expect_noexec(IMG_LEN, "data encoding");
}

static void test_parse_truncated_header(void **state)
{
    (void)state;
    expect_noexec(40, "truncated");
    expect_noexec(63, "truncated");
    expect_noexec(15, "ELF magic"); /* not even e_ident */
}

static void test_parse_et_dyn(void **state)
{
    (void)state;
    put16(E_TYPE, 3); /* ET_DYN */
    expect_noexec(IMG_LEN, "not an executable");
    put16(E_TYPE, 1); /* ET_REL */
    expect_noexec(IMG_LEN, "not an executable");
}

static void test_parse_phentsize(void **state)
{
    (void)state;
    put16(E_PHENTSIZE, 32); /* the ELF32 size in an ELF64 */
    expect_noexec(IMG_LEN, "program header size");
    put16(E_PHENTSIZE, 64);
    expect_noexec(IMG_LEN, "program header size");
}

static void test_parse_no_phdrs(void **state)
{
    (void)state;
    put16(E_PHNUM, 0);
    expect_noexec(IMG_LEN, "no program headers");
}

static void test_parse_phdrs_past_end(void **state)
{
    (void)state;
    put64(E_PHOFF, IMG_LEN - 100); /* 3 * 56 bytes do not fit */
    expect_noexec(IMG_LEN, "program headers");
    put64(E_PHOFF, IMG_LEN + 1);
    expect_noexec(IMG_LEN, "program headers");
    put64(E_PHOFF, UINT64_MAX - 8); /* phoff + size wraps */
    expect_noexec(IMG_LEN, "program headers");
    /* The valid offset with a buffer cut in the middle of the headers. */
    put64(E_PHOFF, PH0);
    expect_noexec(PH2 + 10, "program headers");
}

static void test_parse_segment_past_end(void **state)
{
    (void)state;
    put64(PH2 + P_OFFSET, IMG_LEN - SEG1_LEN + 1); /* one byte past */
    expect_noexec(IMG_LEN, "past the end of the file");
    put64(PH2 + P_OFFSET, UINT64_MAX - 4); /* offset + filesz wraps */
    expect_noexec(IMG_LEN, "past the end of the file");
    put64(PH2 + P_OFFSET, IMG_LEN + 0x1000);
    expect_noexec(IMG_LEN, "past the end of the file");
    /* Exactly at the end is fine. */
    put64(PH2 + P_OFFSET, IMG_LEN - SEG1_LEN);
    struct elf_image img;
    char err[256] = "";
    assert_int_equal(elf_parse(img_buf, IMG_LEN, &img, err, sizeof(err)), 0);
    assert_int_equal(img.seg[1].offset, IMG_LEN - SEG1_LEN);
}

static void test_parse_filesz_gt_memsz(void **state)
{
    (void)state;
    put64(PH0 + P_MEMSZ, SEG0_LEN - 1);
    expect_noexec(IMG_LEN, "file size larger than memory size");
}

static void test_parse_no_pt_load(void **state)
{
    (void)state;
    put32(PH0 + P_TYPE, 4);
    put32(PH2 + P_TYPE, 6);
    expect_noexec(IMG_LEN, "no loadable segment");
}

static void test_parse_ppc32_be(void **state)
{
    (void)state;
    memset(img_buf, 0, sizeof(img_buf));
    memcpy(img_buf, "\177ELF", 4);
    img_buf[4] = 1; /* ELFCLASS32 */
    img_buf[5] = 2; /* ELFDATA2MSB */
    img_buf[6] = 1;
    put(img_buf + 16, 2, 2, true);               /* e_type ET_EXEC */
    put(img_buf + 18, 2, 20, true);              /* e_machine EM_PPC */
    put(img_buf + 20, 4, 1, true);               /* e_version */
    put(img_buf + 24, 4, 0x00C01234, true);      /* e_entry */
    put(img_buf + 28, 4, 52, true);              /* e_phoff */
    put(img_buf + 40, 2, 52, true);              /* e_ehsize */
    put(img_buf + 42, 2, 32, true);              /* e_phentsize */
    put(img_buf + 44, 2, 1, true);               /* e_phnum */
    put(img_buf + 52 + 0, 4, 1, true);           /* p_type PT_LOAD */
    put(img_buf + 52 + 4, 4, 0x100, true);       /* p_offset */
    put(img_buf + 52 + 8, 4, 0xC0C00000, true);  /* p_vaddr */
    put(img_buf + 52 + 12, 4, 0x00C00000, true); /* p_paddr */
    put(img_buf + 52 + 16, 4, 0x80, true);       /* p_filesz */
    put(img_buf + 52 + 20, 4, 0x2345, true);     /* p_memsz */
    struct elf_image img;
    char err[256] = "";
    assert_int_equal(elf_parse(img_buf, 0x200, &img, err, sizeof(err)), 0);
    assert_int_equal(img.machine, 20);
    assert_int_equal(img.elf_class, 1);
    assert_int_equal(img.data, 2);
    assert_int_equal(img.entry, 0x00C01234);
    assert_int_equal(img.nseg, 1);
    assert_int_equal(img.seg[0].offset, 0x100);
    assert_int_equal(img.seg[0].paddr, 0x00C00000);
    assert_int_equal(img.seg[0].filesz, 0x80);
    assert_int_equal(img.seg[0].memsz, 0x2345);
    assert_string_equal(elf_machine_name(img.machine), "PowerPC");
    /* The ELF32 header is 52 bytes: 51 is truncated. */
    expect_noexec(51, "truncated");
}

static void test_machine_name(void **state)
{
    (void)state;
    assert_string_equal(elf_machine_name(62), "x86-64");
    assert_non_null(elf_machine_name(183)); /* AArch64 */
    assert_non_null(elf_machine_name(3));   /* i386 */
    assert_null(elf_machine_name(0));
    assert_null(elf_machine_name(0xFFFF));
}

/* A parsed image with the given segments, for the layout checks. */
static void image_with(struct elf_image *img, unsigned n, const uint64_t (*seg)[2])
{
    memset(img, 0, sizeof(*img));
    img->machine = 62;
    img->elf_class = 2;
    img->data = 1;
    img->nseg = n;
    for (unsigned i = 0; i < n; i++) {
        img->seg[i].paddr = seg[i][0];
        img->seg[i].memsz = seg[i][1];
    }
}

static void expect_layout(unsigned n, const uint64_t (*seg)[2], int want_rc, const char *want)
{
    struct elf_image img;
    char err[256] = "";
    image_with(&img, n, seg);
    assert_int_equal(elf_check_layout(&img, 16 * MIB, 0, MIB, err, sizeof(err)), want_rc);
    if (want != NULL && strstr(err, want) == NULL)
        fail_msg("error message \"%s\" does not contain \"%s\"", err, want);
}

static void test_layout_ok(void **state)
{
    (void)state;
    const uint64_t ok[][2] = {{MIB, 0x1000}, {MIB + 0x1000, 0x1000}, {16 * MIB - 0x10, 0x10}};
    expect_layout(3, ok, 0, NULL); /* adjacent segments, one ending exactly at RAM end */
}

static void test_layout_beyond_ram(void **state)
{
    (void)state;
    const uint64_t a[][2] = {{16 * MIB, 1}};
    expect_layout(1, a, -ERANGE, "outside guest RAM");
    const uint64_t b[][2] = {{16 * MIB - 0x10, 0x11}};
    expect_layout(1, b, -ERANGE, "outside guest RAM");
    const uint64_t c[][2] = {{0x10000000, 0x1000}};
    expect_layout(1, c, -ERANGE, "outside guest RAM");
}

static void test_layout_overflow(void **state)
{
    (void)state;
    /* paddr + memsz wraps to a small address inside RAM: must still be rejected. */
    const uint64_t a[][2] = {{0xFFFFFFFFFFFFF000ULL, 0x2000}};
    expect_layout(1, a, -ERANGE, "outside guest RAM");
    const uint64_t b[][2] = {{2 * MIB, UINT64_MAX - MIB}};
    expect_layout(1, b, -ERANGE, "outside guest RAM");
    const uint64_t c[][2] = {{UINT64_MAX, 1}};
    expect_layout(1, c, -ERANGE, "outside guest RAM");
}

static void test_layout_boot_area(void **state)
{
    (void)state;
    const uint64_t a[][2] = {{0xFF000, 0x2000}}; /* straddles the 1 MiB boundary */
    expect_layout(1, a, -ERANGE, "boot area");
    const uint64_t b[][2] = {{0x80000, 0x1000}}; /* wholly inside */
    expect_layout(1, b, -ERANGE, "boot area");
    const uint64_t c[][2] = {{MIB - 1, 1}}; /* the last byte of the boot area */
    expect_layout(1, c, -ERANGE, "boot area");
    const uint64_t d[][2] = {{0, 0x10}};
    expect_layout(1, d, -ERANGE, "boot area");
}

static void test_layout_overlap(void **state)
{
    (void)state;
    const uint64_t a[][2] = {{MIB, 0x2000}, {MIB + 0x1000, 0x2000}};
    expect_layout(2, a, -EEXIST, "overlap");
    const uint64_t b[][2] = {{2 * MIB, 0x1000}, {MIB, 0x100000 + 1}}; /* second reaches first */
    expect_layout(2, b, -EEXIST, "overlap");
    const uint64_t c[][2] = {{2 * MIB, 0x1000}, {3 * MIB, 0x10}, {2 * MIB + 0x800, 0x10}};
    expect_layout(3, c, -EEXIST, "overlap"); /* contained in the first, checked against all */
}

static void test_load(void **state)
{
    (void)state;
    struct elf_image img;
    char err[256] = "";
    assert_int_equal(elf_parse(img_buf, IMG_LEN, &img, err, sizeof(err)), 0);
    assert_int_equal(elf_check_layout(&img, 4 * MIB, 0, MIB, err, sizeof(err)), 0);
    struct gmem gm;
    assert_int_equal(gmem_init(&gm, 4 * MIB), 0);
    memset(gm.host, 0xEE, gm.size); /* so that zeroing is visible */
    assert_int_equal(elf_load(&img, img_buf, &gm), 0);
    assert_memory_equal(gm.host + SEG0_PA, img_buf + SEG0_OFF, SEG0_LEN);
    assert_memory_equal(gm.host + SEG1_PA, img_buf + SEG1_OFF, SEG1_LEN);
    for (uint64_t i = SEG1_LEN; i < SEG1_MEM; i++)
        assert_int_equal(gm.host[SEG1_PA + i], 0); /* bss zeroed */
    /* Bytes around the segments are untouched. */
    assert_int_equal(gm.host[SEG0_PA - 1], 0xEE);
    assert_int_equal(gm.host[SEG0_PA + SEG0_LEN], 0xEE);
    assert_int_equal(gm.host[SEG1_PA - 1], 0xEE);
    assert_int_equal(gm.host[SEG1_PA + SEG1_MEM], 0xEE);
    /* The PT_NOTE was not loaded anywhere: address 0 still holds the fill. */
    assert_int_equal(gm.host[0], 0xEE);
    gmem_release(&gm);
}

static void test_load_outside_ram(void **state)
{
    (void)state;
    struct elf_image img;
    char err[256] = "";
    assert_int_equal(elf_parse(img_buf, IMG_LEN, &img, err, sizeof(err)), 0);
    struct gmem gm;
    assert_int_equal(gmem_init(&gm, 2 * MIB), 0); /* SEG1 at 2 MiB does not fit */
    assert_int_equal(elf_load(&img, img_buf, &gm), -EFAULT);
    gmem_release(&gm);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_parse_valid),
        T(test_parse_empty),
        T(test_parse_bad_magic),
        T(test_parse_bad_class),
        T(test_parse_bad_data),
        T(test_parse_truncated_header),
        T(test_parse_et_dyn),
        T(test_parse_phentsize),
        T(test_parse_no_phdrs),
        T(test_parse_phdrs_past_end),
        T(test_parse_segment_past_end),
        T(test_parse_filesz_gt_memsz),
        T(test_parse_no_pt_load),
        T(test_parse_ppc32_be),
        T(test_machine_name),
        T(test_layout_ok),
        T(test_layout_beyond_ram),
        T(test_layout_overflow),
        T(test_layout_boot_area),
        T(test_layout_overlap),
        T(test_load),
        T(test_load_outside_ram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
