/* Fuzz target: the x86 local APIC register file with random access sequences on a 2-vCPU VM:
 * MMIO reads and writes of any offset and size from either vCPU (timer, LVT, ICR IPIs, EOI,
 * TPR, SVR), interrupts from the bus, acknowledges, and virtual time going by for the timers. */

#include "arch/x86_64/lapic.h"
#include "fuzz_vm.h"
#include "softkvm/clock.h"
#include "softkvm/timer.h"

static struct vm *vm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (vm == NULL) {
        vm = fuzz_vm_new(&x86_64_arch_ops, 2);
        if (vclock_enable(vm) != 0) /* APIC writes wait for the clock otherwise */
            abort();
    }
    fuzz_vm_reset(vm);
    vm->vclock.now = 0;
    vm->vclock.deadline = UINT64_MAX;
    for (unsigned i = 0; i < vm->ncpus; i++)
        lapic_reset(vcpu_lapic(&vm->vcpus[i]), i);
    struct fuzz_in in = {data, size};
    static const unsigned sizes[4] = {1, 2, 4, 8};
    for (unsigned op = 0; op < 256 && in.left > 0; op++) {
        uint8_t k = (uint8_t)fuzz_take(&in, 1);
        struct vcpu *v = &vm->vcpus[(k >> 3) & 1];
        vm->running = v;
        switch (k & 7) {
        case 0:
        case 1: { /* a read */
            uint64_t off = fuzz_take(&in, 2) & 0xFFF, val = 0;
            iobus_read(vm, &vm->mmio, LAPIC_BASE + off, sizes[(k >> 4) & 3], &val);
            break;
        }
        case 2:
        case 3:
        case 4: { /* a write, mostly 32-bit to a register's offset */
            uint64_t off = fuzz_take(&in, 2) & 0xFFF;
            if (k & 0x40)
                off &= 0x3F0;
            unsigned sz = (k & 0x80) ? sizes[(k >> 4) & 3] : 4;
            iobus_write(vm, &vm->mmio, LAPIC_BASE + off, sz, fuzz_take(&in, 4));
            break;
        }
        case 5: { /* an interrupt message from the bus */
            uint8_t m = (uint8_t)fuzz_take(&in, 1);
            lapic_accept(v, m & 7, (uint8_t)fuzz_take(&in, 1), m & 8, m & 16);
            break;
        }
        case 6: { /* the CPU takes the highest pending vector */
            int vec = lapic_pending_vector(vcpu_lapic(v));
            FUZZ_CHECK(vec >= -1 && vec <= 255);
            if (vec >= 0)
                lapic_ack(vcpu_lapic(v), vec);
            break;
        }
        default: /* virtual time goes by; expired timers fire */
            vm->vclock.now += fuzz_take(&in, 3);
            if (vm->vclock.now >= vm->vclock.deadline)
                vtimers_run(vm);
            FUZZ_CHECK(vm->vclock.deadline == UINT64_MAX || vm->vclock.deadline > vm->vclock.now);
            (void)vtimers_can_wake(vm);
            break;
        }
        FUZZ_CHECK(lapic_find(vm, 0) == &vm->vcpus[0] && lapic_find(vm, 1) == &vm->vcpus[1]);
    }
    return 0;
}
