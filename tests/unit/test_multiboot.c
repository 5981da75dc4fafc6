/* Unit tests for the multiboot v1 header search, the a.out kludge, the PVH note and the boot
 * information builders (multiboot info, hvm_start_info). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/multiboot.h"

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* A header at off with flags and a right (or deliberately wrong) checksum. */
static void header(uint8_t *buf, size_t off, uint32_t flags, uint32_t sum_delta)
{
    put32(buf + off, MULTIBOOT_HEADER_MAGIC);
    put32(buf + off + 4, flags);
    put32(buf + off + 8, (uint32_t)(0u - MULTIBOOT_HEADER_MAGIC - flags) + sum_delta);
}

static uint8_t img[16384];

static void test_find(void **state)
{
    (void)state;
    struct multiboot_header h;
    char err[256];
    memset(img, 0, sizeof(img));
    assert_int_equal(multiboot_find(img, sizeof(img), &h, err, sizeof(err)), 0);
    header(img, 0x40, MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY, 0);
    assert_int_equal(multiboot_find(img, sizeof(img), &h, err, sizeof(err)), 1);
    assert_int_equal(h.offset, 0x40);
    assert_int_equal(h.flags, 3);
    /* Bad checksum. */
    header(img, 0x40, 3, 1);
    assert_int_equal(multiboot_find(img, sizeof(img), &h, err, sizeof(err)), -ENOEXEC);
    assert_non_null(strstr(err, "bad checksum"));
    /* An unknown required flag (bit 5) is refused, an unknown optional one (bit 20) is not. */
    header(img, 0x40, 1u << 5, 0);
    assert_int_equal(multiboot_find(img, sizeof(img), &h, err, sizeof(err)), -ENOEXEC);
    assert_non_null(strstr(err, "0x20"));
    header(img, 0x40, 1u << 20, 0);
    assert_int_equal(multiboot_find(img, sizeof(img), &h, err, sizeof(err)), 1);
    /* Past the first 8 KiB or misaligned: not found. */
    memset(img, 0, sizeof(img));
    header(img, 8192, 0, 0);
    assert_int_equal(multiboot_find(img, sizeof(img), &h, err, sizeof(err)), 0);
    memset(img, 0, sizeof(img));
    header(img, 0x42, 0, 0);
    assert_int_equal(multiboot_find(img, sizeof(img), &h, err, sizeof(err)), 0);
    /* Truncated: magic at the very end of the file. */
    memset(img, 0, sizeof(img));
    header(img, 0x40, 0, 0);
    assert_int_equal(multiboot_find(img, 0x48, &h, err, sizeof(err)), -ENOEXEC);
    assert_non_null(strstr(err, "truncated"));
    /* An a.out header whose address fields are cut off. */
    header(img, 0x40, MB_FLAG_AOUT, 0);
    assert_int_equal(multiboot_find(img, 0x50, &h, err, sizeof(err)), -ENOEXEC);
}

static void test_aout(void **state)
{
    (void)state;
    struct multiboot_header h;
    struct elf_image im;
    char err[256];
    memset(img, 0, sizeof(img));
    /* The file is loaded at 0x8000 (a real-mode test kernel's place); header 0x40 in. */
    header(img, 0x40, MB_FLAG_AOUT, 0);
    put32(img + 0x4C, 0x8040); /* header_addr */
    put32(img + 0x50, 0x8000); /* load_addr */
    put32(img + 0x54, 0x9000); /* load_end_addr */
    put32(img + 0x58, 0xA000); /* bss_end_addr */
    put32(img + 0x5C, 0x8100); /* entry_addr */
    assert_int_equal(multiboot_find(img, sizeof(img), &h, err, sizeof(err)), 1);
    assert_int_equal(multiboot_image(img, sizeof(img), &h, &im, err, sizeof(err)), 0);
    assert_int_equal(im.nseg, 1);
    assert_int_equal(im.seg[0].paddr, 0x8000);
    assert_int_equal(im.seg[0].offset, 0);
    assert_int_equal(im.seg[0].filesz, 0x1000);
    assert_int_equal(im.seg[0].memsz, 0x2000);
    assert_int_equal(im.entry, 0x8100);
    /* load_end_addr 0: the rest of the file. */
    put32(img + 0x54, 0);
    put32(img + 0x58, 0);
    multiboot_find(img, sizeof(img), &h, err, sizeof(err));
    assert_int_equal(multiboot_image(img, sizeof(img), &h, &im, err, sizeof(err)), 0);
    assert_int_equal(im.seg[0].filesz, sizeof(img));
    /* Inconsistent addresses. */
    put32(img + 0x4C, 0x7000); /* header_addr below load_addr */
    multiboot_find(img, sizeof(img), &h, err, sizeof(err));
    assert_int_equal(multiboot_image(img, sizeof(img), &h, &im, err, sizeof(err)), -ENOEXEC);
    put32(img + 0x4C, 0x9000); /* header 0x1000 past load_addr, but it is at offset 0x40 */
    multiboot_find(img, sizeof(img), &h, err, sizeof(err));
    assert_int_equal(multiboot_image(img, sizeof(img), &h, &im, err, sizeof(err)), -ENOEXEC);
    put32(img + 0x4C, 0x8040);
    put32(img + 0x54, 0x8000 + sizeof(img) + 1); /* past the file */
    multiboot_find(img, sizeof(img), &h, err, sizeof(err));
    assert_int_equal(multiboot_image(img, sizeof(img), &h, &im, err, sizeof(err)), -ENOEXEC);
    assert_non_null(strstr(err, "truncated"));
    /* No kludge and not ELF. */
    header(img, 0x40, 0, 0);
    multiboot_find(img, sizeof(img), &h, err, sizeof(err));
    assert_int_equal(multiboot_image(img, sizeof(img), &h, &im, err, sizeof(err)), -ENOEXEC);
    assert_non_null(strstr(err, "must be ELF"));
}

/* An ELF32 with one PT_NOTE holding a foreign note, then the PVH note. */
static void test_pvh_note(void **state)
{
    (void)state;
    uint64_t entry = 0;
    memset(img, 0, sizeof(img));
    memcpy(img, "\177ELF", 4);
    img[4] = 1; /* ELFCLASS32 */
    img[5] = 1;
    put32(img + 28, 52); /* phoff */
    img[42] = 32;        /* phentsize */
    img[44] = 1;         /* phnum */
    uint8_t *ph = img + 52;
    put32(ph, 4);         /* PT_NOTE */
    put32(ph + 4, 0x100); /* offset */
    put32(ph + 16, 40);   /* filesz */
    uint8_t *n = img + 0x100;
    put32(n, 4), put32(n + 4, 4), put32(n + 8, 1), memcpy(n + 12, "GNU", 4), put32(n + 16, 7);
    n += 20;
    put32(n, 4), put32(n + 4, 4), put32(n + 8, 18), memcpy(n + 12, "Xen", 4);
    put32(n + 16, 0x1000123);
    assert_int_equal(pvh_find_entry(img, sizeof(img), &entry), 1);
    assert_int_equal(entry, 0x1000123);
    /* A note whose size runs past the segment is not trusted. */
    put32(n + 4, 4000);
    assert_int_equal(pvh_find_entry(img, sizeof(img), &entry), 0);
    /* Program headers past the end of the file. */
    put32(img + 28, sizeof(img) - 8);
    assert_int_equal(pvh_find_entry(img, sizeof(img), &entry), 0);
}

static const struct e820_entry map[] = {
    {0, 0xA0000, E820_RAM},
    {0xA0000, 0x60000, E820_RESERVED},
    {0x100000, 63u << 20, E820_RAM},
};

static void test_multiboot_info(void **state)
{
    (void)state;
    static uint8_t buf[4096];
    struct boot_info_params p = {.base = 0x200000,
                                 .e820 = map,
                                 .ne820 = 3,
                                 .cmdline = "kernel token=42",
                                 .module_start = 0x180000,
                                 .module_end = 0x180010,
                                 .module_string = "initrd"};
    long used = multiboot_build_info(buf, sizeof(buf), &p);
    assert_true(used > 88);
    assert_int_equal(get32(buf) & 0x24D, 0x24D); /* mem, cmdline, mods, mmap, loader name */
    assert_int_equal(get32(buf + 4), 640);       /* mem_lower KiB */
    assert_int_equal(get32(buf + 8), 63 * 1024); /* mem_upper KiB */
    uint32_t cmd = get32(buf + 16) - p.base;
    assert_string_equal((const char *)buf + cmd, "kernel token=42");
    assert_int_equal(get32(buf + 20), 1);
    uint32_t mod = get32(buf + 24) - p.base;
    assert_int_equal(get32(buf + mod), 0x180000);
    assert_int_equal(get32(buf + mod + 4), 0x180010);
    assert_string_equal((const char *)buf + get32(buf + mod + 8) - p.base, "initrd");
    assert_int_equal(get32(buf + 44), 3 * 24);
    uint32_t mm = get32(buf + 48) - p.base;
    assert_int_equal(get32(buf + mm), 20);
    assert_int_equal(get64(buf + mm + 24 + 4), 0xA0000);
    assert_int_equal(get32(buf + mm + 48 + 20), E820_RAM);
    assert_string_equal((const char *)buf + get32(buf + 64) - p.base, "softkvm");
    assert_int_equal(multiboot_build_info(buf, 100, &p), -ENOSPC);
}

static void test_pvh_info(void **state)
{
    (void)state;
    static uint8_t buf[4096];
    struct boot_info_params p = {
        .base = 0x300000, .e820 = map, .ne820 = 3, .cmdline = "console=ttyS0", .rsdp = 0xE0000};
    long used = pvh_build_start_info(buf, sizeof(buf), &p);
    assert_true(used > 56);
    assert_int_equal(get32(buf), PVH_START_MAGIC);
    assert_int_equal(get32(buf + 4), 1);
    assert_int_equal(get32(buf + 12), 0); /* no modules */
    assert_string_equal((const char *)buf + get64(buf + 24) - p.base, "console=ttyS0");
    assert_int_equal(get64(buf + 32), 0xE0000);
    uint64_t mm = get64(buf + 40) - p.base;
    assert_int_equal(mm % 8, 0);
    assert_int_equal(get32(buf + 48), 3);
    assert_int_equal(get64(buf + mm + 48), 0x100000);
    assert_int_equal(get64(buf + mm + 56), 63u << 20);
    assert_int_equal(get32(buf + mm + 64), E820_RAM);
    assert_int_equal(pvh_build_start_info(buf, 60, &p), -ENOSPC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find),     cmocka_unit_test(test_aout),
        cmocka_unit_test(test_pvh_note), cmocka_unit_test(test_multiboot_info),
        cmocka_unit_test(test_pvh_info),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
