/* Unit tests for the PowerPC device-tree builder: read back with libfdt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "arch/ppc/fdt.h"

static uint8_t blob[65536];

static struct ppc_fdt_params params(bool is64)
{
    struct ppc_fdt_params p = {
        .is64 = is64,
        .ram_size = 128ULL << 20,
        .cpu_name = "PowerPC,7457A",
        .pvr = 0x80030102,
        .cache_line = 32,
        .tb_freq = 100000000,
        .hcall = {0x3C004B56, 0x60004D21, 0x44000002, 0x60000000},
        .has_idle = true,
        .guest_name = "softkvm",
        .console_handle = 1,
        .boot_info = 0x10000,
        .testdev = 0xF0000000,
        .irqdev = 0xF0001000,
    };
    return p;
}

static const void *prop(const char *path, const char *name, int *len)
{
    int node = fdt_path_offset(blob, path);
    assert_true(node >= 0);
    return fdt_getprop(blob, node, name, len);
}

static void assert_string_prop(const char *path, const char *name, const char *want)
{
    int len = 0;
    const char *v = prop(path, name, &len);
    assert_non_null(v);
    assert_int_equal(len, (int)strlen(want) + 1);
    assert_string_equal(v, want);
}

static void test_ppc32_tree(void **state)
{
    (void)state;
    struct ppc_fdt_params p = params(false);
    int size = ppc_fdt_build(&p, blob, sizeof(blob));
    assert_true(size > 0);
    assert_int_equal(fdt_check_header(blob), 0);
    assert_int_equal((int)fdt_totalsize(blob), size);
    int len = 0;
    const fdt32_t *c = prop("/", "#address-cells", &len);
    assert_int_equal(fdt32_to_cpu(*c), 1);
    assert_string_prop("/", "compatible", "softkvm,ppc");
    c = prop("/memory@0", "reg", &len);
    assert_int_equal(len, 8);
    assert_int_equal(fdt32_to_cpu(c[0]), 0);
    assert_int_equal(fdt32_to_cpu(c[1]), 128 << 20);
    assert_string_prop("/memory@0", "device_type", "memory");
    assert_string_prop("/chosen", "stdout-path", "/hypervisor/console");
    c = prop("/chosen", "softkvm,boot-info", &len);
    assert_int_equal(len, 4);
    assert_int_equal(fdt32_to_cpu(c[0]), 0x10000);
    c = prop("/cpus/PowerPC,7457A@0", "timebase-frequency", &len);
    assert_int_equal(fdt32_to_cpu(*c), 100000000);
    c = prop("/cpus/PowerPC,7457A@0", "cpu-version", &len);
    assert_int_equal(fdt32_to_cpu(*c), 0x80030102);
    assert_string_prop("/cpus/PowerPC,7457A@0", "device_type", "cpu");
    assert_null(prop("/cpus/PowerPC,7457A@0", "64-bit", &len));
    c = prop("/test-device@f0000000", "reg", &len);
    assert_int_equal(len, 8);
    assert_int_equal(fdt32_to_cpu(c[0]), 0xF0000000);
    assert_int_equal(fdt32_to_cpu(c[1]), 0x1000);
}

static void test_hypervisor_node(void **state)
{
    (void)state;
    struct ppc_fdt_params p = params(false);
    assert_true(ppc_fdt_build(&p, blob, sizeof(blob)) > 0);
    int node = fdt_path_offset(blob, "/hypervisor");
    assert_true(node >= 0);
    assert_int_equal(fdt_node_check_compatible(blob, node, "linux,kvm"), 0);
    assert_int_equal(fdt_node_check_compatible(blob, node, "epapr,hypervisor-1"), 0);
    int len = 0;
    const fdt32_t *w = fdt_getprop(blob, node, "hcall-instructions", &len);
    assert_int_equal(len, 16);
    assert_int_equal(fdt32_to_cpu(w[0]), 0x3C004B56);
    assert_int_equal(fdt32_to_cpu(w[1]), 0x60004D21);
    assert_int_equal(fdt32_to_cpu(w[2]), 0x44000002);
    assert_int_equal(fdt32_to_cpu(w[3]), 0x60000000);
    /* the docs' "hypercall-instructions" spelling is not what Linux reads */
    assert_null(fdt_getprop(blob, node, "hypercall-instructions", &len));
    assert_non_null(fdt_getprop(blob, node, "has-idle", &len));
    assert_int_equal(len, 0);
    assert_string_prop("/hypervisor", "guest-name", "softkvm");
    int con = fdt_path_offset(blob, "/hypervisor/console");
    assert_true(con >= 0);
    assert_int_equal(fdt_node_check_compatible(blob, con, "epapr,hv-byte-channel"), 0);
    const fdt32_t *h = fdt_getprop(blob, con, "hv-handle", &len);
    assert_int_equal(len, 4);
    assert_int_equal(fdt32_to_cpu(*h), 1);
    /* the first node carrying hcall-instructions is /hypervisor */
    assert_int_equal(fdt_node_offset_by_prop_value(blob, -1, "hcall-instructions", w, 16), node);

    p.has_idle = false;
    p.hcall[0] = 0x44000022;
    p.hcall[1] = p.hcall[2] = p.hcall[3] = 0x60000000;
    assert_true(ppc_fdt_build(&p, blob, sizeof(blob)) > 0);
    node = fdt_path_offset(blob, "/hypervisor");
    assert_null(fdt_getprop(blob, node, "has-idle", &len));
    w = fdt_getprop(blob, node, "hcall-instructions", &len);
    assert_int_equal(fdt32_to_cpu(w[0]), 0x44000022);
}

static void test_ppc64_tree(void **state)
{
    (void)state;
    struct ppc_fdt_params p = params(true);
    p.ram_size = 3ULL << 30;
    p.cpu_name = "PowerPC,POWER10";
    assert_true(ppc_fdt_build(&p, blob, sizeof(blob)) > 0);
    int len = 0;
    const fdt32_t *c = prop("/", "#size-cells", &len);
    assert_int_equal(fdt32_to_cpu(*c), 2);
    c = prop("/memory@0", "reg", &len);
    assert_int_equal(len, 16);
    assert_int_equal(fdt32_to_cpu(c[2]), 0);
    assert_int_equal(fdt32_to_cpu(c[3]), 0xC0000000u);
    assert_string_prop("/", "compatible", "softkvm,ppc64");
    assert_non_null(prop("/cpus/PowerPC,POWER10@0", "64-bit", &len));
    c = prop("/chosen", "softkvm,boot-info", &len);
    assert_int_equal(len, 8);
    assert_int_equal(fdt32_to_cpu(c[1]), 0x10000);
}

static void test_too_small(void **state)
{
    (void)state;
    struct ppc_fdt_params p = params(false);
    assert_int_equal(ppc_fdt_build(&p, blob, 256), -FDT_ERR_NOSPACE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ppc32_tree),
        cmocka_unit_test(test_hypervisor_node),
        cmocka_unit_test(test_ppc64_tree),
        cmocka_unit_test(test_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
