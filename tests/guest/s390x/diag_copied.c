/* DIAGNOSE 0x500 in code the guest writes at run time: code copied to new places (never seen by
 * softkvm before it runs), and code patched in place after it ran (a DIAGNOSE written over
 * no-ops, then no-ops written back over the DIAGNOSE). */
#include "guest/s390x/kvm_para.h"
#include "guest/s390x/s390.h"

extern const char hc_snippet[], hc_snippet_end[];
extern const char nop_snippet[], nop_snippet_hole[], nop_snippet_end[];

typedef long (*snippet_fn)(void);

static uint8_t area[4][256] __attribute__((aligned(4096)));
static uint8_t far_area[8192] __attribute__((aligned(4096)));

static snippet_fn place(uint8_t *at, const char *from, const char *to)
{
    memcpy(at, from, (size_t)(to - from));
    return (snippet_fn)(uintptr_t)at;
}

int kmain(const struct skvm_boot_info *bi)
{
    test_start("s390x_diag_copied");
    long limit = (long)(bi->ram_size - 1);

    /* Copies at four new addresses, each called twice. */
    for (int i = 0; i < 4; i++) {
        snippet_fn f = place(area[i], hc_snippet, hc_snippet_end);
        EXPECT_EQ(f(), limit);
        EXPECT_EQ(f(), limit);
    }
    /* A copy that straddles a page boundary. */
    snippet_fn straddle = place(far_area + 4096 - 6, hc_snippet, hc_snippet_end);
    EXPECT_EQ(straddle(), limit);

    /* Patched in place: no-ops run first, then a DIAGNOSE over them, then no-ops again. */
    uint8_t *code = far_area + 1024;
    snippet_fn f = place(code, nop_snippet, nop_snippet_end);
    uint8_t *hole = code + (nop_snippet_hole - nop_snippet);
    static const uint8_t diag[4] = {0x83, 0x24, 0x05, 0x00}; /* diag 2,4,0x500 */
    static const uint8_t nops[4] = {0x07, 0x00, 0x07, 0x00}; /* bcr 0,0; bcr 0,0 */
    for (int round = 0; round < 3; round++) {
        EXPECT_EQ(f(), 77);
        memcpy(hole, diag, 4);
        EXPECT_EQ(f(), limit);
        EXPECT_EQ(f(), limit);
        memcpy(hole, nops, 4);
        EXPECT_EQ(f(), 77);
    }
    /* A different DIAGNOSE code written where the hypercall was (0x44, time-slice end): a
     * no-op for softkvm, so r2 keeps 77. */
    static const uint8_t diag44[4] = {0x83, 0x24, 0x00, 0x44}; /* diag 2,4,0x44 */
    memcpy(hole, diag, 4);
    EXPECT_EQ(f(), limit);
    memcpy(hole, diag44, 4);
    EXPECT_EQ(f(), 77);
    test_done();
}
