/* Hypercall tables: registration with duplicate and range checks, lookup and counting. */
#include "softkvm/hypercall.h"

#include <errno.h>
#include <stdlib.h>

int hc_table_init(struct hc_table *t, const char *ns, uint32_t size, int64_t unsupported)
{
    t->slots = NULL;
    t->counts = NULL;
    t->size = 0;
    t->ns = ns;
    t->unsupported = unsupported;
    if (size == 0)
        return -EINVAL;
    t->slots = calloc(size, sizeof(*t->slots));
    t->counts = calloc((size_t)size + 1, sizeof(*t->counts));
    if (t->slots == NULL || t->counts == NULL) {
        hc_table_release(t);
        return -ENOMEM;
    }
    t->size = size;
    return 0;
}

void hc_table_release(struct hc_table *t)
{
    free(t->slots);
    free(t->counts);
    t->slots = NULL;
    t->counts = NULL;
    t->size = 0;
}

int hc_register(struct hc_table *t, uint64_t nr, const char *name, hc_handler_fn fn,
                uint32_t feature_bit, unsigned nargs)
{
    if (fn == NULL || name == NULL || nargs > HC_MAX_ARGS)
        return -EINVAL;
    if (nr >= t->size)
        return -ERANGE;
    if (t->slots[nr].fn != NULL)
        return -EEXIST;
    t->slots[nr].fn = fn;
    t->slots[nr].name = name;
    t->slots[nr].feature_bit = feature_bit;
    t->slots[nr].nargs = nargs;
    return 0;
}

const char *hc_name(const struct hc_table *t, uint64_t nr)
{
    if (nr >= t->size)
        return NULL;
    return t->slots[nr].name;
}
