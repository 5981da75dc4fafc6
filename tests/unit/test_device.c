/* Unit tests for the device interface: `-device` specs, properties, create/reset/destroy. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "softkvm/device.h"
#include "softkvm/vm.h"

static struct vm *new_vm(void)
{
    struct vm *vm = calloc(1, sizeof(*vm));
    assert_non_null(vm);
    return vm;
}

static void free_vm(struct vm *vm)
{
    vm_destroy_devices(vm);
    iobus_release(&vm->pio);
    free(vm);
}

static void test_create_reset_destroy(void **state)
{
    (void)state;
    struct vm *vm = new_vm();
    char err[256] = "";
    assert_int_equal(device_create(vm, "isa-serial,iobase=0x2f8", err, sizeof(err)), 0);
    assert_int_equal(device_create(vm, "fw_cfg_io", err, sizeof(err)), 0); /* default iobase */
    assert_non_null(iobus_find(&vm->pio, 0x2F8));
    assert_non_null(iobus_find(&vm->pio, 0x2FF));
    assert_null(iobus_find(&vm->pio, 0x3F8));
    assert_non_null(iobus_find(&vm->pio, 0x510));
    assert_non_null(iobus_find(&vm->pio, 0x511));
    /* The UART keeps what the guest writes (LCR, scratch) until the VM is reset. */
    uint64_t v = 0;
    iobus_write(vm, &vm->pio, 0x2F8 + 3, 1, 0x03);
    iobus_write(vm, &vm->pio, 0x2F8 + 7, 1, 0x5A);
    iobus_read(vm, &vm->pio, 0x2F8 + 7, 1, &v);
    assert_int_equal(v, 0x5A);
    vm_reset_devices(vm);
    iobus_read(vm, &vm->pio, 0x2F8 + 7, 1, &v);
    assert_int_equal(v, 0);
    iobus_read(vm, &vm->pio, 0x2F8 + 3, 1, &v);
    assert_int_equal(v, 0);
    /* A second device on the same ports is refused with a message. */
    assert_int_equal(device_create(vm, "isa-serial,iobase=0x2f8", err, sizeof(err)), -EEXIST);
    assert_non_null(strstr(err, "taken"));
    assert_non_null(vm_device_state(vm, "isa-serial"));
    assert_null(vm_device_state(vm, "isa-debug-exit"));
    free_vm(vm); /* destroy frees each device's state: ASan's leak check sees it */
}

static void test_bad_specs(void **state)
{
    (void)state;
    struct vm *vm = new_vm();
    char err[256];
    assert_int_equal(device_create(vm, "no-such-thing,x=1", err, sizeof(err)), -ENOENT);
    assert_string_equal(err, "no device called 'no-such-thing' ('-device help' lists them)");
    assert_int_equal(device_create(vm, "isa-serial,speed=9600", err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "device isa-serial has no property 'speed' (it takes: iobase)");
    assert_int_equal(device_create(vm, "isa-serial,iobase", err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "no property 'iobase'"));
    assert_int_equal(device_create(vm, "isa-serial,iobase=zz", err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "device isa-serial: iobase=zz is not a number in 0x0-0xfff8");
    assert_int_equal(device_create(vm, "isa-serial,iobase=0x10000", err, sizeof(err)), -EINVAL);
    assert_int_equal(device_create(vm, "isa-serial,iobase=-1", err, sizeof(err)), -EINVAL);
    assert_int_equal(device_create(vm, "isa-debug-exit,iosize=0", err, sizeof(err)), -EINVAL);
    assert_int_equal(device_create(vm, "softkvm-virtio-console,schid=1", err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "needs base=VALUE"));
    assert_null(vm->device_list); /* nothing half-made is left */
    assert_int_equal(vm->pio.n, 0);
    free_vm(vm);
}

static void test_props(void **state)
{
    (void)state;
    const struct device_type *t = device_type_find("isa-debug-exit");
    assert_non_null(t);
    struct devprops p;
    char err[256];
    assert_int_equal(devprops_parse(t, "iosize=4", &p, err, sizeof(err)), 0);
    assert_int_equal(devprop_u64(&p, "iobase"), 0x501); /* QEMU's default */
    assert_int_equal(devprop_u64(&p, "iosize"), 4);
    assert_int_equal(devprops_parse(t, "iobase=0xf4,iosize=0x4", &p, err, sizeof(err)), 0);
    assert_int_equal(devprop_u64(&p, "iobase"), 0xF4);
    assert_int_equal(devprops_parse(t, "", &p, err, sizeof(err)), 0);
    assert_int_equal(devprop_u64(&p, "iosize"), 2);
    /* Every registered type has a unique name and defaults that parse. */
    for (unsigned i = 0; device_types[i] != NULL; i++) {
        for (unsigned j = 0; j < i; j++)
            assert_string_not_equal(device_types[i]->name, device_types[j]->name);
        assert_ptr_equal(device_type_find(device_types[i]->name), device_types[i]);
        bool required = false;
        for (unsigned k = 0; k < device_types[i]->nprops; k++)
            required |= device_types[i]->props[k].def == NULL;
        if (!required)
            assert_int_equal(devprops_parse(device_types[i], "", &p, err, sizeof(err)), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_reset_destroy),
        cmocka_unit_test(test_bad_specs),
        cmocka_unit_test(test_props),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
