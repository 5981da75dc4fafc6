/* The per-VM MSR table: code registers MSR ranges with handlers, as hypercalls are registered. */
#ifndef SOFTKVM_MSR_H
#define SOFTKVM_MSR_H

#include "softkvm/types.h"

struct vm;
struct vcpu;

/* What a handler answers: the access is done, or the CPU must raise #GP(0). */
enum msr_result { MSR_OK = 0, MSR_GP = 1 };

/* A read (*val to fill) or write (val) of MSR index by vcpu at CPL 0 (the exit checks CPL). */
typedef enum msr_result (*msr_read_fn)(struct vcpu *vcpu, uint32_t index, uint64_t *val,
                                       void *opaque);
typedef enum msr_result (*msr_write_fn)(struct vcpu *vcpu, uint32_t index, uint64_t val,
                                        void *opaque);

struct msr_range {
    uint32_t first, last; /* inclusive */
    const char *name;     /* for --stats and the trace */
    msr_read_fn read;     /* NULL: reads raise #GP */
    msr_write_fn write;   /* NULL: writes raise #GP */
    void *opaque;
    uint64_t reads, writes; /* accesses served, for --stats */
};

/* The table: ranges sorted by first index, disjoint. A zeroed table is empty. */
struct msr_table {
    struct msr_range *ranges;
    unsigned n, cap;
};

/* Register [first, last] with the given handlers. Returns 0, -EINVAL (first > last, or neither
 * handler), -EEXIST (overlaps a registered range), -ENOMEM. */
int msr_register(struct vm *vm, uint32_t first, uint32_t last, const char *name, msr_read_fn read,
                 msr_write_fn write, void *opaque);

/* The range that holds index, or NULL (the exit then answers as for an MSR nobody implements). */
struct msr_range *msr_find(struct vm *vm, uint32_t index);

/* Release the table (vm_destroy does this). */
void msr_table_release(struct msr_table *t);

#endif
