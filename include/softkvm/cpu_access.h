/* Registers and address translation of any vCPU, loaded in the engine or not (debugger, trace). */
#ifndef SOFTKVM_CPU_ACCESS_H
#define SOFTKVM_CPU_ACCESS_H

#include "softkvm/types.h"

struct vcpu;

/* Read register regno (the arch's gdb numbering) of v into buf in the guest's byte order.
 * A vCPU that is not in the engine is swapped in for the access and out again (its saved
 * context keeps a write). Returns the byte count, or -EINVAL (no such register), -EIO. */
int vcpu_reg_read(struct vcpu *v, unsigned regno, uint8_t *buf);

/* Write register regno of v from buf (guest byte order). Returns 0, -EINVAL or -EIO. */
int vcpu_reg_write(struct vcpu *v, unsigned regno, const uint8_t *buf);

/* Read a register of at most 8 bytes by gdb's name as a number. Returns 0, -EINVAL (unknown
 * name or wider than 8 bytes) or -EIO. */
int vcpu_reg_get(struct vcpu *v, const char *name, uint64_t *val);

/* Write a register of at most 8 bytes by name. Returns 0, -EINVAL or -EIO. */
int vcpu_reg_set(struct vcpu *v, const char *name, uint64_t val);

/* Translate v's virtual address va to guest-physical through its MMU. Returns 0 with *pa, or
 * -EFAULT (not mapped), -ENOTSUP (the backend cannot translate), -EIO. */
int vcpu_translate(struct vcpu *v, uint64_t va, uint64_t *pa);

/* The address v resumes at. Returns 0 or -EIO. */
int vcpu_pc(struct vcpu *v, uint64_t *pc);

#endif
