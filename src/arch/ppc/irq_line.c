/* The PowerPC external-interrupt line a guest can raise itself (softkvm has no PowerPC interrupt
 * controller), an MMIO page next to the test device. */
#include "arch/ppc/ppc.h"
#include "softkvm/clock.h"
#include "softkvm/mmio.h"

/* offset 0, 32-bit: write 1 raises the vCPU's external interrupt line, 0 lowers it; reads give
 * the line's level. */
static uint64_t irqline_read(struct vm *vm, void *opaque, uint64_t off, unsigned size)
{
    return off == 0 ? (((struct ppc_vcpu *)ppc_cur(vm)->arch)->pending & PPC_IRQ_EXT) != 0 : 0;
}

static void irqline_write(struct vm *vm, void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    if (off != 0)
        return;
    if (!(val & 1)) {
        ppc_set_external(vm, false);
        return;
    }
    /* Raising must stop the engine so the interrupt is taken promptly, but never inside this
     * callback (Unicorn would execute the store again): the clock stops it at the next block
     * boundary. If the clock is not running yet, the engine stops here, the clock is enabled
     * and the store runs again: drop this one. */
    if (!vclock_ready(vm))
        return;
    ppc_set_external(vm, true);
    vclock_kick(vm);
}

static const struct io_ops irqline_ops = {"ppc-irq-line", irqline_read, irqline_write};

int ppc_irq_line_init(struct vm *vm)
{
    return vm_add_mmio(vm, PPC_IRQDEV, SKVM_PAGE_SIZE, &irqline_ops, NULL);
}
