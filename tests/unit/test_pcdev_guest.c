/* Integration test of the PC devices on the real engine: boots the pc_devices guest with the
 * 8259 pair, the IOAPIC, the PIT and the RTC added to an x86 VM (as the pc board will), the wall
 * clock pinned, and checks the guest's own verdict and that the run is reproducible. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/device.h"
#include "softkvm/kernel.h"
#include "softkvm/vm.h"

#ifndef PCDEV_GUEST
#error "PCDEV_GUEST (the guest kernel's path) must be defined by the build"
#endif

static uint8_t *read_file(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    *len = ftell(f);
    rewind(f);
    uint8_t *buf = malloc((size_t)*len);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)*len, f), (size_t)*len);
    fclose(f);
    return buf;
}

/* Run the guest once; returns its console output (malloc'd) and the virtual time it took. */
static char *run_guest(uint64_t *vtime)
{
    long len;
    uint8_t *img = read_file(PCDEV_GUEST, &len);
    FILE *console = tmpfile();
    assert_non_null(console);
    struct vm_config cfg = {.ram_mib = 16, .ncpus = 1, .console = console, .wallclock = 1700000000};
    struct vm *vm = NULL;
    char err[512] = "";
    int rc = kernel_boot_vm(&vm, &cfg, img, (uint64_t)len, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    free(img);
    /* What the pc board will create: 24 GSIs and the four devices. */
    assert_int_equal(irq_router_init(vm, 24), 0);
    static const char *const specs[] = {"i8259", "ioapic", "isa-pit", "mc146818rtc"};
    for (unsigned i = 0; i < 4; i++) {
        rc = device_create(vm, specs[i], err, sizeof(err));
        if (rc != 0)
            fprintf(stderr, "%s\n", err);
        assert_int_equal(rc, 0);
    }
    const struct vm_outcome *o = vm_run(vm);
    *vtime = vm->vclock.now;
    long n = ftell(console);
    char *out = calloc(1, (size_t)n + 1);
    assert_non_null(out);
    rewind(console);
    assert_int_equal(fread(out, 1, (size_t)n, console), (size_t)n);
    if (o->kind != OUTCOME_GUEST_EXIT || o->status != 0)
        fprintf(stderr, "%s\noutcome %d status %d: %s\n", out, o->kind, o->status, o->reason);
    assert_int_equal(o->kind, OUTCOME_GUEST_EXIT);
    assert_int_equal(o->status, 0);
    vm_destroy(vm);
    fclose(console);
    return out;
}

static void test_pc_devices_guest(void **state)
{
    (void)state;
    uint64_t t1, t2;
    char *a = run_guest(&t1);
    assert_non_null(strstr(a, "PASS x86_pc_devices"));
    assert_null(strstr(a, "FAIL"));
    /* Same guest, same options: the same output (poll counts included) and virtual time. */
    char *b = run_guest(&t2);
    assert_string_equal(a, b);
    assert_int_equal(t1, t2);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pc_devices_guest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
