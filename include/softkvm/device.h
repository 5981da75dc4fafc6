/* Device models: one interface (create, reset, destroy, properties) and one registry of types. */
#ifndef SOFTKVM_DEVICE_H
#define SOFTKVM_DEVICE_H

#include <stdio.h>

#include "softkvm/types.h"

struct vm;

enum devprop_type { DEVPROP_U64, DEVPROP_STR };

/* One property a device type takes (`-device NAME,prop=value`). */
struct devprop_def {
    const char *name;
    enum devprop_type type;
    const char *def;   /* default as it would be written on the command line; NULL: required */
    uint64_t min, max; /* DEVPROP_U64: accepted range (inclusive) */
    const char *help;
};

#define DEVICE_MAX_PROPS    8
#define DEVICE_PROP_STR_MAX 64

/* Parsed property values, indexed like the type's props. */
struct devprops {
    const struct device_type *type;
    uint64_t u64[DEVICE_MAX_PROPS];
    char str[DEVICE_MAX_PROPS][DEVICE_PROP_STR_MAX];
};

struct device_type {
    const char *name; /* as `-device` takes it (QEMU's name where QEMU has the device) */
    const char *desc; /* one line for `-device help` */
    const char *arch; /* NULL: any architecture; else the only arch_ops name it works on */
    const struct devprop_def *props;
    unsigned nprops;
    /* Create the device on vm (claiming its ports, MMIO, lines) and return its state in *state.
     * Returns 0 or a negative errno with one line in err. */
    int (*create)(struct vm *vm, const struct devprops *p, void **state, char *err, size_t errlen);
    /* Put the device in its power-on state (VM reset). May be NULL: nothing to reset. */
    void (*reset)(struct vm *vm, void *state);
    /* Release the state (the VM's buses are released by the VM). May be NULL. */
    void (*destroy)(struct vm *vm, void *state);
};

/* A device instance of a VM, in creation order. */
struct device {
    const struct device_type *type;
    void *state;
    struct device *next;
};

/* Every device type, NULL-terminated (src/devices/registry.c). */
extern const struct device_type *const device_types[];

/* The type called name, or NULL. */
const struct device_type *device_type_find(const char *name);

/* A property value of a parsed set (the name must be one of the type's; else 0 / ""). */
uint64_t devprop_u64(const struct devprops *p, const char *name);
const char *devprop_str(const struct devprops *p, const char *name);

/* Parse "prop=value,prop=value" (may be empty) for type into out, defaults first. Numbers take
 * C syntax (0x.. hex). Returns 0 or -EINVAL with one line in err naming the bad property and
 * what the type takes. */
int devprops_parse(const struct device_type *type, const char *text, struct devprops *out,
                   char *err, size_t errlen);

/* Create a device from a `-device` style spec "NAME[,prop=value...]" on vm. Returns 0, or
 * -ENOENT (unknown type), -EINVAL (bad property, or a type of another architecture) or the
 * device's own error, each with one line in err. */
int device_create(struct vm *vm, const char *spec, char *err, size_t errlen);

/* Reset every device of vm, in creation order. */
void vm_reset_devices(struct vm *vm);

/* Destroy every device of vm, newest first (vm_destroy does this). */
void vm_destroy_devices(struct vm *vm);

/* The first device of vm of the given type, or NULL (for boards and tests). */
void *vm_device_state(struct vm *vm, const char *type_name);

/* Print the device types usable on arch (NULL: all) with their properties, for `-device help`. */
void device_list_help(FILE *out, const char *arch);

#endif
