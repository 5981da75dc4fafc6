/* Guest test (negative): failed checks are reported and counted, and test_done exits with 1. */
#include "guest/softkvm_guest.h"

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start("x86_sdk_fail");
    gprintf("two deliberate failures follow, and one passing check\n");
    EXPECT_EQ(1 + 1, 3);
    CHECK(0 == 1);
    CHECK(1 == 1);
    EXPECT_EQ(test_failures(), 2);
    test_done();
}
