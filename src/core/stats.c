/* The --stats report and the short run summary, from the VM's counters. */
#include "softkvm/stats.h"

#include <inttypes.h>

#include "softkvm/vm.h"

static const char *const exit_names[EXIT_KIND_COUNT] = {
    [EXIT_NONE] = "none",           [EXIT_HYPERCALL] = "hypercall",
    [EXIT_EXCEPTION] = "exception", [EXIT_INVALID_INSN] = "invalid_insn",
    [EXIT_HALT] = "halt",           [EXIT_STOP] = "stop",
    [EXIT_SLICE] = "slice",         [EXIT_MEM_FAULT] = "mem_fault",
    [EXIT_INTERRUPT] = "interrupt", [EXIT_ARCH] = "arch",
    [EXIT_DEBUG] = "debug",
};

const char *exit_kind_name(int kind)
{
    if (kind < 0 || kind >= EXIT_KIND_COUNT)
        return "unknown";
    return exit_names[kind];
}

static uint64_t hypercall_total(const struct vm *vm)
{
    uint64_t n = 0;
    for (unsigned t = 0; t < vm->nhc; t++)
        for (uint32_t i = 0; i <= vm->hc[t].size; i++)
            n += vm->hc[t].counts[i];
    return n;
}

void stats_print(const struct vm *vm, FILE *out)
{
    fprintf(out, "softkvm stats:\n  exits:\n");
    for (int k = 0; k < EXIT_KIND_COUNT; k++)
        if (vm->stats.exits[k] != 0)
            fprintf(out, "    %-14s %" PRIu64 "\n", exit_names[k], vm->stats.exits[k]);
    fprintf(out, "    %-14s %" PRIu64 "\n", "pio", vm->stats.pio);
    fprintf(out, "    %-14s %" PRIu64 "\n", "mmio", vm->stats.mmio);
    fprintf(out, "  exceptions delivered: %" PRIu64 "\n", vm->stats.exceptions_delivered);
    fprintf(out, "  hypercall instructions patched: %" PRIu64 "\n", vm->stats.patched_hypercalls);
    fprintf(out, "  hypercalls: %" PRIu64 "\n", hypercall_total(vm));
    for (unsigned t = 0; t < vm->nhc; t++) {
        const struct hc_table *h = &vm->hc[t];
        for (uint32_t i = 0; i < h->size; i++) {
            if (h->counts[i] == 0)
                continue;
            const char *name = h->slots[i].name != NULL ? h->slots[i].name : "(unsupported)";
            fprintf(out, "    %s %-6" PRIu32 " %-28s %" PRIu64 "\n", h->ns, i, name, h->counts[i]);
        }
        if (h->counts[h->size] != 0)
            fprintf(out, "    %s >=%-4" PRIu32 " %-28s %" PRIu64 "\n", h->ns, h->size,
                    "(out of range)", h->counts[h->size]);
    }
}

void stats_summary(const struct vm *vm, FILE *out)
{
    uint64_t exits = 0;
    for (int k = 0; k < EXIT_KIND_COUNT; k++)
        exits += vm->stats.exits[k];
    fprintf(out, "softkvm: %" PRIu64 " exits (", exits);
    const char *sep = "";
    for (int k = 0; k < EXIT_KIND_COUNT; k++) {
        if (vm->stats.exits[k] != 0) {
            fprintf(out, "%s%" PRIu64 " %s", sep, vm->stats.exits[k], exit_names[k]);
            sep = ", ";
        }
    }
    fprintf(out, "), %" PRIu64 " hypercalls, %" PRIu64 " port I/O, %" PRIu64 " MMIO accesses\n",
            hypercall_total(vm), vm->stats.pio, vm->stats.mmio);
}
