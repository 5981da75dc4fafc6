/* Guest runtime: boot-info pointer and self-check accounting (the exit is testdev.c's, or pc's). */
#include "guest/softkvm_guest.h"

const struct skvm_boot_info *skvm_boot;

static const char *test_name = "test";
static unsigned test_checks, test_failed;

void test_start(const char *name)
{
    test_name = name;
    gprintf("TEST %s\n", name);
}

unsigned test_failures(void)
{
    return test_failed;
}

void test_check_result(bool ok, const char *file, int line, const char *expr)
{
    test_checks++;
    if (!ok) {
        test_failed++;
        gprintf("FAIL: %s:%d %s\n", file, line, expr);
    }
}

void test_expect_result(bool ok, const char *file, int line, const char *expr,
                        unsigned long long got, unsigned long long want)
{
    test_checks++;
    if (!ok) {
        test_failed++;
        gprintf("FAIL: %s:%d %s got 0x%llx want 0x%llx\n", file, line, expr, got, want);
    }
}

void test_done(void)
{
    if (test_failed == 0) {
        gprintf("PASS %s (%u checks)\n", test_name, test_checks);
        guest_exit(0);
    }
    gprintf("FAIL %s (%u failures)\n", test_name, test_failed);
    guest_exit(1);
}
