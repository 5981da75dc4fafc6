/* MMIO device regions of a VM, mapped into the engine. */
#ifndef SOFTKVM_MMIO_H
#define SOFTKVM_MMIO_H

#include "softkvm/vm.h"

/* Map [base, base + len) as a device region served by ops. base and len must be page-aligned.
 * Returns 0, -EINVAL (alignment or engine refusal), -EEXIST (overlap) or -ENOMEM. Accesses are
 * handled synchronously inside the engine (as KVM's in-kernel MMIO bus), counted and traced. A VM
 * without an engine (a unit test's) gets the region on its MMIO bus only. */
int vm_add_mmio(struct vm *vm, uint64_t base, uint64_t len, const struct io_ops *ops, void *opaque);

/* Unmap the MMIO region that starts at base (a PCI BAR moved, a device went away). Returns 0,
 * -ENOENT (no region starts there) or -EINVAL (the engine refused). */
int vm_remove_mmio(struct vm *vm, uint64_t base);

#endif
