/* Unit tests for the x86 instruction-trap scanner over code the host assembler built: RDMSR,
 * WRMSR and MOV to/from CR8 are reported with their lengths; the same opcode bytes inside
 * immediates and displacements, and MOVs of other control registers, are not. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/x86_64/insn_scan.h"

/* Never run: only scanned. Each site to find has a label; everything else is bait. */
__asm__(".pushsection .rodata\n"
        ".code64\n"
        "code64:\n"
        "  mov $0x300f, %eax\n"      /* B8 0F 30 00 00 */
        "  lea 0x320f(%rip), %rax\n" /* displacement 0F 32 00 00 */
        "site64_rdmsr:\n"
        "  rdmsr\n"
        "  movabs $0x0f300f320f300f32, %rbx\n" /* immediate full of 0F 30 / 0F 32 */
        "  cmpl $0x320f, 0x300f(%rdx)\n"
        "site64_wrmsr:\n"
        "  wrmsr\n"
        "  mov %cr0, %rax\n" /* 0F 20 C0: not CR8 */
        "site64_cr8_read:\n"
        "  mov %cr8, %rax\n" /* 44 0F 20 C0 */
        "  mov %cr4, %rcx\n"
        "site64_cr8_write:\n"
        "  mov %rcx, %cr8\n" /* 44 0F 22 C1 */
        "  add $0x0f, %al\n" /* 04 0F, then 30 C0: xor %al,%al */
        "  xor %al, %al\n"
        "  jmp code64\n"
        "code64_end:\n"
        ".code32\n"
        "code32:\n"
        "  mov $0x320f300f, %eax\n"
        "site32_wrmsr:\n"
        "  wrmsr\n"
        "  lea 0x300f(%eax), %ecx\n"
        "site32_rdmsr:\n"
        "  rdmsr\n"
        "code32_end:\n"
        ".code64\n"
        ".popsection\n");

extern const uint8_t code64[], code64_end[], site64_rdmsr[], site64_wrmsr[], site64_cr8_read[],
    site64_cr8_write[];
extern const uint8_t code32[], code32_end[], site32_wrmsr[], site32_rdmsr[];

#define BASE 0xffffffff81000000ULL

static int setup(void **state)
{
    static struct x86_scanner s;
    if (x86_scanner_open(&s) != 0)
        return -1;
    *state = &s;
    return 0;
}

static int teardown(void **state)
{
    x86_scanner_close(*state);
    return 0;
}

static size_t count_pair(const uint8_t *p, size_t n, uint8_t second)
{
    size_t c = 0;
    for (size_t i = 0; i + 1 < n; i++)
        c += p[i] == 0x0F && p[i + 1] == second;
    return c;
}

static void test_scan64(void **state)
{
    struct x86_scanner *s = *state;
    size_t len = (size_t)(code64_end - code64);
    /* The bait is there: many more 0F 30 / 0F 32 byte pairs than instructions. */
    assert_true(count_pair(code64, len, 0x30) >= 4);
    assert_true(count_pair(code64, len, 0x32) >= 4);
    struct insn_site sites[8];
    assert_int_equal(x86_scan_traps(s, code64, len, BASE, sites, 8), 4);
    assert_int_equal(sites[0].addr, BASE + (uint64_t)(site64_rdmsr - code64));
    assert_int_equal(sites[0].kind, X86_SITE_RDMSR);
    assert_int_equal(sites[0].len, 2);
    assert_int_equal(sites[1].addr, BASE + (uint64_t)(site64_wrmsr - code64));
    assert_int_equal(sites[1].kind, X86_SITE_WRMSR);
    assert_int_equal(sites[1].len, 2);
    assert_int_equal(sites[2].addr, BASE + (uint64_t)(site64_cr8_read - code64));
    assert_int_equal(sites[2].kind, X86_SITE_CR8);
    assert_int_equal(sites[2].len, 4);
    assert_int_equal(sites[3].addr, BASE + (uint64_t)(site64_cr8_write - code64));
    assert_int_equal(sites[3].kind, X86_SITE_CR8);
    assert_int_equal(sites[3].len, 4);
    /* The count goes past the storage given. */
    assert_int_equal(x86_scan_traps(s, code64, len, BASE, sites, 1), 4);
    assert_int_equal(x86_scan_traps(s, code64, len, BASE, NULL, 0), 4);
}

static void test_scan_cut_and_invalid(void **state)
{
    struct x86_scanner *s = *state;
    struct insn_site sites[8];
    size_t rd = (size_t)(site64_rdmsr - code64);
    /* A RDMSR cut by the end of the block is not looked at; a whole one is. */
    assert_int_equal(x86_scan_traps(s, code64, rd + 1, 0, sites, 8), 0);
    assert_int_equal(x86_scan_traps(s, code64, rd + 2, 0, sites, 8), 1);
    /* An undecodable instruction ends the scan: nothing after it is reported. */
    static const uint8_t bad[] = {0x06, 0x0F, 0x32}; /* push es: invalid in 64-bit; rdmsr */
    assert_int_equal(x86_scan_traps(s, bad, sizeof(bad), 0, sites, 8), 0);
    assert_int_equal(x86_scan_traps(s, bad + 1, sizeof(bad) - 1, 0, sites, 8), 1);
    assert_int_equal(x86_scan_traps(s, code64, 0, 0, sites, 8), 0);
}

static void test_scan32(void **state)
{
    struct x86_scanner *s = *state;
    struct insn_site sites[8];
    size_t len = (size_t)(code32_end - code32);
    s->bits = 32;
    size_t n = x86_scan_traps(s, code32, len, 0x100000, sites, 8);
    s->bits = 64;
    assert_int_equal(n, 2);
    assert_int_equal(sites[0].addr, 0x100000 + (uint64_t)(site32_wrmsr - code32));
    assert_int_equal(sites[0].kind, X86_SITE_WRMSR);
    assert_int_equal(sites[1].addr, 0x100000 + (uint64_t)(site32_rdmsr - code32));
    assert_int_equal(sites[1].kind, X86_SITE_RDMSR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan64),
        cmocka_unit_test(test_scan_cut_and_invalid),
        cmocka_unit_test(test_scan32),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
