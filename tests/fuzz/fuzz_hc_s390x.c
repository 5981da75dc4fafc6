/* Fuzz target: the s390x DIAGNOSE ABI with a random instruction and register file: decode,
 * function code from base + displacement, the DIAGNOSE 0x500 call through the VM's real
 * table (virtio-ccw notify: the virtio console walks its queues in guest RAM, which the input
 * fills) and the r2 write-back. */
#include "arch/s390x/hypercall_abi.h"
#include "arch/s390x/s390x.h"
#include "fuzz_vm.h"

#define RAM_WINDOW 0x10000u /* guest RAM from 0x100000 the input may fill (queues, buffers) */

static struct vm *vm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (vm == NULL)
        vm = fuzz_vm_new(&s390x_arch_ops, 1);
    fuzz_vm_reset(vm);
    struct fuzz_in in = {data, size};
    /* First the guest RAM the device will read, then the calls. */
    size_t fill = (size_t)fuzz_take(&in, 2);
    fill = fill < in.left ? fill : in.left;
    fill = fill < RAM_WINDOW ? fill : RAM_WINDOW;
    uint8_t *win = gmem_ptr(&vm->mem, FUZZ_ENTRY, RAM_WINDOW);
    FUZZ_CHECK(win != NULL);
    memset(win, 0, RAM_WINDOW);
    memcpy(win, in.p, fill);
    in.p += fill;
    in.left -= fill;
    /* The console's registers: a reset (status 0), then MMIO writes the guest could make (queue
     * selection, sizes, addresses, ready, status). */
    iobus_write(vm, &vm->mmio, S390_VCON_BASE + 0x3C, 4, 0);
    for (unsigned w = 0, n = (unsigned)fuzz_take(&in, 1) % 16; w < n; w++) {
        uint64_t off = fuzz_take(&in, 1) & 0xFC, val = fuzz_take(&in, 4);
        iobus_write(vm, &vm->mmio, S390_VCON_BASE + off, 4, val);
    }
    for (unsigned calls = 0; calls < 8 && in.left > 0; calls++) {
        uint8_t b[4];
        for (unsigned i = 0; i < 4; i++)
            b[i] = (uint8_t)fuzz_take(&in, 1);
        uint8_t flags = (uint8_t)fuzz_take(&in, 1);
        if (flags & 1)
            b[0] = S390_DIAG_OPCODE;
        struct s390_diag d;
        if (!s390_diag_decode(b, &d))
            continue;
        FUZZ_CHECK(d.r1 < 16 && d.r3 < 16 && d.b2 < 16 && d.d2 < 0x1000);
        uint64_t gpr[16];
        for (unsigned i = 0; i < 16; i++)
            gpr[i] = fuzz_take(&in, (flags & 0x80) ? 8 : 2);
        if (flags & 2)
            gpr[1] = fuzz_take(&in, 1) % 8; /* a real subcode */
        (void)s390_diag_code(&d, gpr);
        uint64_t mask = (flags & 4) ? 0x0000000180000000ULL : 0; /* 64-bit or 24-bit mode */
        struct hc_call call;
        s390_hc_make_call(gpr, mask, &call);
        struct hc_result res;
        enum hc_action act =
            hc_dispatch(vm, vm->running, &vm->hc[0], &call, 0, FUZZ_ENTRY, 6, NULL, &res);
        FUZZ_CHECK(act >= HC_DONE && act <= HC_FAULT);
        uint64_t r2 = s390_hc_r2(&res, gpr[2]);
        FUZZ_CHECK(!res.leave_ret || r2 == gpr[2]);
        fuzz_vm_reset(vm);
    }
    return 0;
}
