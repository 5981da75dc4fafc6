/* The interrupt-line router: sources OR-ed per line, masking, and fan-out to controller pins. */
#include "softkvm/irq.h"

#include <errno.h>
#include <stdlib.h>

#include "softkvm/vm.h"

int irq_router_init(struct vm *vm, unsigned nlines)
{
    struct irq_router *r = &vm->irq;
    if (nlines == 0 || nlines > IRQ_MAX_LINES || r->lines != NULL)
        return -EINVAL;
    r->lines = calloc(nlines, sizeof(*r->lines));
    if (r->lines == NULL)
        return -ENOMEM;
    r->nlines = nlines;
    r->sources_used = 1; /* source 0 is vm_irq_set's */
    return 0;
}

void irq_router_release(struct vm *vm)
{
    struct irq_router *r = &vm->irq;
    for (unsigned i = 0; i < r->nlines; i++) {
        struct irq_route *s = r->lines[i].sinks;
        while (s != NULL) {
            struct irq_route *next = s->next;
            free(s);
            s = next;
        }
    }
    free(r->lines);
    *r = (struct irq_router){0};
}

int irq_route_add(struct vm *vm, unsigned gsi, const struct irq_sink_ops *ops, void *opaque,
                  unsigned pin)
{
    if (gsi >= vm->irq.nlines || ops == NULL || ops->set == NULL)
        return -EINVAL;
    struct irq_route *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return -ENOMEM;
    *s = (struct irq_route){ops, opaque, pin, NULL};
    struct irq_route **tail = &vm->irq.lines[gsi].sinks;
    while (*tail != NULL)
        tail = &(*tail)->next;
    *tail = s; /* wiring order is delivery order: deterministic */
    return 0;
}

void irq_route_remove(struct vm *vm, const void *opaque)
{
    for (unsigned i = 0; i < vm->irq.nlines; i++) {
        struct irq_route **p = &vm->irq.lines[i].sinks;
        while (*p != NULL) {
            if ((*p)->opaque == opaque) {
                struct irq_route *gone = *p;
                *p = gone->next;
                free(gone);
            } else {
                p = &(*p)->next;
            }
        }
    }
}

int irq_source_alloc(struct vm *vm)
{
    for (unsigned s = 1; s < IRQ_MAX_SOURCES; s++) {
        if (!(vm->irq.sources_used & (1u << s))) {
            vm->irq.sources_used |= 1u << s;
            return (int)s;
        }
    }
    return -ENOSPC;
}

/* Show the sinks the line's effective level if it changed. */
static void propagate(struct vm *vm, struct irq_line *l)
{
    bool level = l->sources != 0 && !l->masked;
    if (level == l->level)
        return;
    l->level = level;
    if (level)
        l->raised++;
    for (struct irq_route *s = l->sinks; s != NULL; s = s->next)
        s->ops->set(vm, s->opaque, s->pin, level);
}

int vm_irq_set_source(struct vm *vm, unsigned gsi, unsigned source, bool level)
{
    if (gsi >= vm->irq.nlines || source >= IRQ_MAX_SOURCES)
        return -EINVAL;
    struct irq_line *l = &vm->irq.lines[gsi];
    if (level)
        l->sources |= 1u << source;
    else
        l->sources &= ~(1u << source);
    propagate(vm, l);
    return 0;
}

int vm_irq_set(struct vm *vm, unsigned gsi, bool level)
{
    return vm_irq_set_source(vm, gsi, 0, level);
}

int vm_irq_pulse(struct vm *vm, unsigned gsi)
{
    int rc = vm_irq_set(vm, gsi, true);
    return rc != 0 ? rc : vm_irq_set(vm, gsi, false);
}

int vm_irq_mask(struct vm *vm, unsigned gsi, bool masked)
{
    if (gsi >= vm->irq.nlines)
        return -EINVAL;
    struct irq_line *l = &vm->irq.lines[gsi];
    l->masked = masked;
    propagate(vm, l);
    return 0;
}

bool vm_irq_level(const struct vm *vm, unsigned gsi)
{
    return gsi < vm->irq.nlines && vm->irq.lines[gsi].sources != 0;
}
