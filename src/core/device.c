/* Device instances: `-device` spec parsing, creation through the registry, reset and teardown. */
#include "softkvm/device.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "softkvm/arch.h"
#include "softkvm/vm.h"

const struct device_type *device_type_find(const char *name)
{
    for (unsigned i = 0; device_types[i] != NULL; i++)
        if (strcmp(device_types[i]->name, name) == 0)
            return device_types[i];
    return NULL;
}

static int prop_index(const struct device_type *t, const char *name, size_t len)
{
    for (unsigned i = 0; i < t->nprops; i++)
        if (strlen(t->props[i].name) == len && strncmp(t->props[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

uint64_t devprop_u64(const struct devprops *p, const char *name)
{
    int i = prop_index(p->type, name, strlen(name));
    return i >= 0 ? p->u64[i] : 0;
}

const char *devprop_str(const struct devprops *p, const char *name)
{
    int i = prop_index(p->type, name, strlen(name));
    return i >= 0 ? p->str[i] : "";
}

/* "a, b, c" for messages. */
static void prop_names(const struct device_type *t, char *buf, size_t len)
{
    buf[0] = '\0';
    size_t used = 0;
    for (unsigned i = 0; i < t->nprops && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", t->props[i].name);
    if (t->nprops == 0)
        snprintf(buf, len, "none");
}

static int set_value(const struct device_type *t, unsigned i, const char *val, size_t len,
                     struct devprops *out, char *err, size_t errlen)
{
    const struct devprop_def *d = &t->props[i];
    if (len >= DEVICE_PROP_STR_MAX) {
        snprintf(err, errlen, "device %s: value of %s is too long", t->name, d->name);
        return -EINVAL;
    }
    char text[DEVICE_PROP_STR_MAX];
    memcpy(text, val, len);
    text[len] = '\0';
    if (d->type == DEVPROP_STR) {
        memcpy(out->str[i], text, len + 1);
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 0);
    if (len == 0 || *end != '\0' || errno != 0 || text[0] == '-' || v < d->min || v > d->max) {
        snprintf(err, errlen, "device %s: %s=%s is not a number in 0x%llx-0x%llx", t->name, d->name,
                 text, (unsigned long long)d->min, (unsigned long long)d->max);
        return -EINVAL;
    }
    out->u64[i] = v;
    return 0;
}

int devprops_parse(const struct device_type *type, const char *text, struct devprops *out,
                   char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    out->type = type;
    bool given[DEVICE_MAX_PROPS] = {false};
    while (text != NULL && *text != '\0') {
        const char *comma = strchr(text, ',');
        size_t len = comma != NULL ? (size_t)(comma - text) : strlen(text);
        const char *eq = memchr(text, '=', len);
        size_t nlen = eq != NULL ? (size_t)(eq - text) : len;
        int i = prop_index(type, text, nlen);
        if (i < 0 || eq == NULL) {
            char names[256];
            prop_names(type, names, sizeof(names));
            snprintf(err, errlen, "device %s has no property '%.*s' (it takes: %s)", type->name,
                     (int)nlen, text, names);
            return -EINVAL;
        }
        int rc = set_value(type, (unsigned)i, eq + 1, len - nlen - 1, out, err, errlen);
        if (rc != 0)
            return rc;
        given[i] = true;
        text = comma != NULL ? comma + 1 : NULL;
    }
    for (unsigned i = 0; i < type->nprops; i++) {
        if (given[i])
            continue;
        const char *def = type->props[i].def;
        if (def == NULL) {
            snprintf(err, errlen, "device %s needs %s=VALUE (%s)", type->name, type->props[i].name,
                     type->props[i].help);
            return -EINVAL;
        }
        int rc = set_value(type, i, def, strlen(def), out, err, errlen);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int device_create(struct vm *vm, const char *spec, char *err, size_t errlen)
{
    const char *comma = strchr(spec, ',');
    size_t nlen = comma != NULL ? (size_t)(comma - spec) : strlen(spec);
    const struct device_type *t = NULL;
    for (unsigned i = 0; device_types[i] != NULL && t == NULL; i++)
        if (strlen(device_types[i]->name) == nlen &&
            strncmp(device_types[i]->name, spec, nlen) == 0)
            t = device_types[i];
    if (t == NULL) {
        snprintf(err, errlen, "no device called '%.*s' ('-device help' lists them)", (int)nlen,
                 spec);
        return -ENOENT;
    }
    if (t->arch != NULL && strcmp(t->arch, vm->arch->name) != 0) {
        snprintf(err, errlen, "device %s exists on %s only, not on %s", t->name, t->arch,
                 vm->arch->name);
        return -EINVAL;
    }
    struct devprops p;
    int rc = devprops_parse(t, comma != NULL ? comma + 1 : "", &p, err, errlen);
    if (rc != 0)
        return rc;
    struct device *d = calloc(1, sizeof(*d));
    if (d == NULL) {
        snprintf(err, errlen, "out of host memory for device %s", t->name);
        return -ENOMEM;
    }
    d->type = t;
    rc = t->create(vm, &p, &d->state, err, errlen);
    if (rc != 0) {
        free(d);
        return rc;
    }
    struct device **tail = &vm->device_list;
    while (*tail != NULL)
        tail = &(*tail)->next;
    *tail = d;
    return 0;
}

void vm_reset_devices(struct vm *vm)
{
    for (struct device *d = vm->device_list; d != NULL; d = d->next)
        if (d->type->reset != NULL)
            d->type->reset(vm, d->state);
}

void vm_destroy_devices(struct vm *vm)
{
    /* Newest first: a device may use one created before it. */
    while (vm->device_list != NULL) {
        struct device **last = &vm->device_list;
        while ((*last)->next != NULL)
            last = &(*last)->next;
        struct device *d = *last;
        *last = NULL;
        if (d->type->destroy != NULL)
            d->type->destroy(vm, d->state);
        free(d);
    }
}

void *vm_device_state(struct vm *vm, const char *type_name)
{
    for (struct device *d = vm->device_list; d != NULL; d = d->next)
        if (strcmp(d->type->name, type_name) == 0)
            return d->state;
    return NULL;
}

void device_list_help(FILE *out, const char *arch)
{
    for (unsigned i = 0; device_types[i] != NULL; i++) {
        const struct device_type *t = device_types[i];
        if (arch != NULL && t->arch != NULL && strcmp(t->arch, arch) != 0)
            continue;
        fprintf(out, "name \"%s\", desc \"%s\"", t->name, t->desc);
        if (t->arch != NULL)
            fprintf(out, ", arch %s", t->arch);
        fputc('\n', out);
        for (unsigned j = 0; j < t->nprops; j++) {
            const struct devprop_def *d = &t->props[j];
            fprintf(out, "  %s=<%s>  %s", d->name, d->type == DEVPROP_U64 ? "number" : "string",
                    d->help);
            if (d->def != NULL)
                fprintf(out, " (default %s)", d->def);
            else
                fputs(" (required)", out);
            fputc('\n', out);
        }
    }
}
