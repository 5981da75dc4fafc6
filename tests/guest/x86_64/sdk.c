/* Guest test: the guest SDK itself: gsnprintf formats, string functions, boot-info pointer. */
#include "guest/softkvm_guest.h"
#include "guest/x86_64/x86.h"

static void expect_fmt(const char *got, const char *want)
{
    if (strcmp(got, want) != 0)
        gprintf("  got \"%s\" want \"%s\"\n", got, want);
    CHECK(strcmp(got, want) == 0);
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("x86_sdk");
    x86_init(bi, false);
    char b[96];

    gprintf("check: gsnprintf conversions, widths and flags\n");
    gsnprintf(b, sizeof(b), "%d %d %i %u", 0, -42, 2147483647, 4294967295u);
    expect_fmt(b, "0 -42 2147483647 4294967295");
    gsnprintf(b, sizeof(b), "%x %X %08x %lx %llx", 0xbeefu, 0xbeefu, 0x1234u, 0xfffffffffffful,
              0xffffffffffffffffull);
    expect_fmt(b, "beef BEEF 00001234 ffffffffffff ffffffffffffffff");
    gsnprintf(b, sizeof(b), "%ld %lu %lld", -9223372036854775807L - 1, 18446744073709551615ul,
              -1LL);
    expect_fmt(b, "-9223372036854775808 18446744073709551615 -1");
    gsnprintf(b, sizeof(b), "[%5d][%-5d][%05d][%5s][%-5s][%c][%%]", -7, 7, -7, "ab", "ab", 'z');
    expect_fmt(b, "[   -7][7    ][-0007][   ab][ab   ][z][%]");
    gsnprintf(b, sizeof(b), "%p %s %zu", (void *)0x1000, (const char *)NULL, (size_t)12);
    expect_fmt(b, "0x1000 (null) 12");
    int n = gsnprintf(b, 8, "%s", "truncated output");
    EXPECT_EQ(n, 16);
    expect_fmt(b, "truncat");

    gprintf("check: memset, memcpy, memmove (both directions), memcmp, strlen, strcmp\n");
    uint8_t m[32];
    memset(m, 0xAB, sizeof(m));
    EXPECT_EQ(m[0], 0xAB);
    EXPECT_EQ(m[31], 0xAB);
    for (int i = 0; i < 32; i++)
        m[i] = (uint8_t)i;
    memmove(m + 4, m, 16); /* overlapping, forwards */
    EXPECT_EQ(m[4], 0);
    EXPECT_EQ(m[19], 15);
    memmove(m, m + 4, 16); /* overlapping, backwards */
    EXPECT_EQ(m[0], 0);
    EXPECT_EQ(m[15], 15);
    uint8_t c[8];
    memcpy(c, "abcdefgh", 8);
    EXPECT_EQ(memcmp(c, "abcdefgh", 8), 0);
    CHECK(memcmp(c, "abcdefgi", 8) < 0);
    CHECK(memcmp(c, "abcdefgg", 8) > 0);
    EXPECT_EQ(strlen(""), 0);
    EXPECT_EQ(strlen("softkvm"), 7);
    EXPECT_EQ(strcmp("abc", "abc"), 0);
    CHECK(strcmp("abc", "abd") < 0);

    gprintf("check: the boot info pointer crt0 saved\n");
    EXPECT_EQ((uintptr_t)skvm_boot, (uintptr_t)bi);
    EXPECT_EQ(skvm_boot->magic, SKVM_BOOT_MAGIC);

    test_done();
}
