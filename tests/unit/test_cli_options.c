/* Unit tests for the command line: the shared value parsers and the `softkvm run` option table. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cli/options.h"
#include "cli/values.h"

static void test_uint(void **state __attribute__((unused)))
{
    uint64_t v = 7;
    assert_int_equal(cli_value_uint("0", 0, 10, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(cli_value_uint("18446744073709551615", 0, UINT64_MAX, &v), 0);
    assert_true(v == UINT64_MAX);
    v = 42;
    assert_int_equal(cli_value_uint("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
    assert_int_equal(cli_value_uint("11", 0, 10, &v), -ERANGE);
    assert_int_equal(cli_value_uint("1", 2, 10, &v), -ERANGE);
    assert_int_equal(cli_value_uint(NULL, 0, 10, &v), -EINVAL);
    assert_int_equal(cli_value_uint("", 0, 10, &v), -EINVAL);
    assert_int_equal(cli_value_uint(" 1", 0, 10, &v), -EINVAL);
    assert_int_equal(cli_value_uint("-1", 0, 10, &v), -EINVAL);
    assert_int_equal(cli_value_uint("1x", 0, 10, &v), -EINVAL);
    assert_int_equal(v, 42); /* untouched by the failures */
}

static void test_size(void **state __attribute__((unused)))
{
    uint64_t b = 0;
    assert_int_equal(cli_value_size("128", 1 << 20, 0, UINT64_MAX, &b), 0);
    assert_true(b == 128ULL << 20);
    assert_int_equal(cli_value_size("4G", 1 << 20, 0, UINT64_MAX, &b), 0);
    assert_true(b == 4ULL << 30);
    assert_int_equal(cli_value_size("512k", 1, 0, UINT64_MAX, &b), 0);
    assert_true(b == 512ULL << 10);
    assert_int_equal(cli_value_size("2MiB", 1, 0, UINT64_MAX, &b), 0);
    assert_true(b == 2ULL << 20);
    assert_int_equal(cli_value_size("3TB", 1, 0, UINT64_MAX, &b), 0);
    assert_true(b == 3ULL << 40);
    assert_int_equal(cli_value_size("16777216T", 1, 0, UINT64_MAX, &b), -ERANGE);
    assert_int_equal(cli_value_size("1G", 1, 0, 1 << 20, &b), -ERANGE);
    assert_int_equal(cli_value_size("1X", 1, 0, UINT64_MAX, &b), -EINVAL);
    assert_int_equal(cli_value_size("1GG", 1, 0, UINT64_MAX, &b), -EINVAL);
    assert_int_equal(cli_value_size("G", 1, 0, UINT64_MAX, &b), -EINVAL);
    assert_int_equal(cli_value_size(NULL, 1, 0, UINT64_MAX, &b), -EINVAL);
}

static void test_enum_list(void **state __attribute__((unused)))
{
    static const char *const names[] = {"a", "bb", "ccc"};
    unsigned i = 9;
    assert_int_equal(cli_value_enum("bb", names, 3, &i), 0);
    assert_int_equal(i, 1);
    assert_int_equal(cli_value_enum("b", names, 3, &i), -EINVAL);
    assert_int_equal(cli_value_enum(NULL, names, 3, &i), -EINVAL);
    uint64_t m = 0;
    const char *bad;
    size_t len;
    assert_int_equal(cli_value_list("ccc,a,,a", names, 3, &m, &bad, &len), 0);
    assert_true(m == 5);
    assert_int_equal(cli_value_list("a,cc,bb", names, 3, &m, &bad, &len), -EINVAL);
    assert_int_equal(len, 2);
    assert_memory_equal(bad, "cc", 2);
    assert_int_equal(cli_value_list("", names, 3, &m, &bad, &len), -EINVAL);
    assert_null(bad);
}

static int parse(char **argv, struct cli_options *o, char *err)
{
    int argc = 0;
    while (argv[argc] != NULL)
        argc++;
    err[0] = '\0';
    return cli_parse(argc, argv, o, err, 256);
}

static void test_parse(void **state __attribute__((unused)))
{
    struct cli_options o;
    char err[256];
    char *ok[] = {"softkvm",
                  "run",
                  "-m",
                  "64",
                  "--smp",
                  "4",
                  "--cpu-vendor",
                  "amd",
                  "--hide-pv-feature",
                  "pv_unhalt,pv_sched_yield",
                  "--stats",
                  "k.elf",
                  NULL};
    assert_int_equal(parse(ok, &o, err), 0);
    assert_int_equal(o.cmd, CMD_RUN);
    assert_int_equal(o.cfg.ram_mib, 64);
    assert_int_equal(o.cfg.ncpus, 4);
    assert_int_equal(o.cfg.vendor, VENDOR_AMD);
    assert_true(o.cfg.hide_pv_features == ((1u << 7) | (1u << 13)));
    assert_true(o.stats);
    assert_string_equal(o.kernel, "k.elf");
    char *help[] = {"softkvm", "run", "-m", "64", "-h", "--bogus", NULL};
    assert_int_equal(parse(help, &o, err), 0);
    assert_int_equal(o.cmd, CMD_HELP);
    char *bad[] = {"softkvm", "run", "--hide-pv-feature", "pv_unhalt,nope", "k", NULL};
    assert_int_equal(parse(bad, &o, err), -1);
    assert_non_null(strstr(err, "unknown feature 'nope'"));
    char *smp[] = {"softkvm", "run", "--smp", "65", "k", NULL};
    assert_int_equal(parse(smp, &o, err), -1);
    assert_non_null(strstr(err, "from 1 to 64"));
    char *dash[] = {"softkvm", "run", "--", "-k", NULL};
    assert_int_equal(parse(dash, &o, err), 0);
    assert_string_equal(o.kernel, "-k");
}

static void test_printable(void **state __attribute__((unused)))
{
    char buf[8];
    assert_string_equal(cli_printable("a\nb\x01", buf, sizeof(buf)), "a?b?");
    assert_string_equal(cli_printable("0123456789", buf, sizeof(buf)), "0123...");
    struct cli_options o;
    char err[256];
    char *nl[] = {"softkvm", "run", "--ti\nmeout", "k", NULL};
    assert_int_equal(parse(nl, &o, err), -1);
    assert_string_equal(err, "unknown option '--ti?meout'; try 'softkvm --help'");
}

static void test_table(void **state __attribute__((unused)))
{
    /* Every option is found by its name and alias, and no spelling is used twice. */
    for (unsigned b = 0; b < cli_run_nblocks; b++) {
        assert_true(cli_run_blocks[b].arches != 0);
        for (unsigned i = 0; i < cli_run_blocks[b].count; i++) {
            const struct cli_option *opt = &cli_run_blocks[b].options[i];
            assert_ptr_equal(cli_find_option(cli_run_blocks, cli_run_nblocks, opt->name), opt);
            if (opt->alias != NULL)
                assert_ptr_equal(cli_find_option(cli_run_blocks, cli_run_nblocks, opt->alias), opt);
            assert_non_null(opt->help);
        }
    }
    assert_null(cli_find_option(cli_run_blocks, cli_run_nblocks, "--smpx"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uint),      cmocka_unit_test(test_size),
        cmocka_unit_test(test_enum_list), cmocka_unit_test(test_parse),
        cmocka_unit_test(test_printable), cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
