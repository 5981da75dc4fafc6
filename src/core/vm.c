/* VM lifetime: creation through the arch backend, devices' MMIO mapping, stop requests, console. */
#include "softkvm/vm.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "softkvm/arch.h"
#include "softkvm/device.h"
#include "softkvm/trace.h"
#include "softkvm/engine_check.h"

static void vm_dump_vcpu(struct vm *vm, unsigned id, FILE *out);

const struct board *vm_find_board(const struct arch_ops *arch, const char *name, char *err,
                                  size_t errlen)
{
    if (arch->boards == NULL || arch->boards[0] == NULL) {
        snprintf(err, errlen, "the %s backend has no board", arch->name);
        return NULL;
    }
    if (name == NULL)
        return arch->boards[0];
    char names[128] = "";
    for (unsigned i = 0; arch->boards[i] != NULL; i++) {
        if (strcmp(arch->boards[i]->name, name) == 0)
            return arch->boards[i];
        size_t used = strlen(names);
        snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "", arch->boards[i]->name);
    }
    snprintf(err, errlen, "%s has no machine '%s' (it has: %s)", arch->name, name, names);
    return NULL;
}

/* Guest RAM as the board lays it out: one gmem slot per run of RAM and firmware regions. */
static int ram_init(struct vm *vm)
{
    struct gmem_slot slots[GMEM_MAX_SLOTS];
    unsigned n = 0;
    for (unsigned i = 0; i < vm->regions.n; i++) {
        const struct mem_region *r = &vm->regions.r[i];
        if (r->kind != REGION_RAM && r->kind != REGION_FIRMWARE)
            continue;
        if (n > 0 && slots[n - 1].gpa + slots[n - 1].size == r->base) {
            slots[n - 1].size += r->size;
            continue;
        }
        if (n == GMEM_MAX_SLOTS)
            return -EINVAL;
        slots[n++] = (struct gmem_slot){r->base, r->size, NULL};
    }
    return gmem_init_slots(&vm->mem, slots, n);
}

int vm_map_ram(struct vm *vm, char *err, size_t errlen)
{
    for (unsigned i = 0; i < vm->mem.nslots; i++) {
        const struct gmem_slot *s = &vm->mem.slots[i];
        if (uc_mem_map_ptr(vm->uc, s->gpa, s->size, UC_PROT_ALL, s->host) != UC_ERR_OK) {
            snprintf(err, errlen, "Unicorn refused to map %llu MiB of guest RAM at 0x%llx",
                     (unsigned long long)(s->size >> 20), (unsigned long long)s->gpa);
            return -ENOMEM;
        }
    }
    return 0;
}

int vm_create(struct vm **out, const struct arch_ops *arch, const struct vm_config *cfg, char *err,
              size_t errlen)
{
    *out = NULL;
    if (cfg->ncpus < 1 || cfg->ncpus > SKVM_MAX_VCPUS) {
        snprintf(err, errlen, "vCPU count %u is out of range 1-%u", cfg->ncpus, SKVM_MAX_VCPUS);
        return -EINVAL;
    }
    if (cfg->ram_mib < SKVM_MIN_RAM_MIB || cfg->ram_mib > SKVM_MAX_RAM_MIB) {
        snprintf(err, errlen, "guest RAM of %llu MiB is out of range %u-%u MiB",
                 (unsigned long long)cfg->ram_mib, SKVM_MIN_RAM_MIB, SKVM_MAX_RAM_MIB);
        return -EINVAL;
    }
    struct vm *vm = calloc(1, sizeof(*vm));
    if (vm == NULL) {
        snprintf(err, errlen, "out of host memory for the VM");
        return -ENOMEM;
    }
    vm->cfg = *cfg;
    if (vm->cfg.wallclock == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        vm->cfg.wallclock = (uint64_t)ts.tv_sec;
    }
    if (vm->cfg.console == NULL)
        vm->cfg.console = stdout;
    vm->arch = arch;
    vm->ncpus = cfg->ncpus;
    vm->boot = cfg->boot == BOOT_AUTO ? BOOT_NATIVE : cfg->boot; /* the loader may say more */
    vm->vclock.deadline = UINT64_MAX;
    vm->vcpus = calloc(cfg->ncpus, sizeof(*vm->vcpus));
    if (vm->vcpus == NULL) {
        free(vm);
        snprintf(err, errlen, "out of host memory for the vCPUs");
        return -ENOMEM;
    }
    for (unsigned i = 0; i < vm->ncpus; i++) {
        vm->vcpus[i].vm = vm;
        vm->vcpus[i].id = i;
        vm->vcpus[i].state = VCPU_RUNNABLE;
    }
    vm->board = vm_find_board(arch, cfg->board, err, errlen);
    if (vm->board == NULL) {
        vm_destroy(vm);
        return -EINVAL;
    }
    int rc = board_layout(vm->board, cfg->ram_mib << 20, &vm->regions, err, errlen);
    if (rc != 0) {
        vm_destroy(vm);
        return -EINVAL;
    }
    rc = ram_init(vm);
    if (rc != 0) {
        snprintf(err, errlen, "cannot allocate %llu MiB of guest RAM on this host",
                 (unsigned long long)cfg->ram_mib);
        vm_destroy(vm);
        return rc;
    }
    if (cfg->trace_path != NULL) {
        rc = trace_open(vm, cfg->trace_path);
        if (rc != 0) {
            snprintf(err, errlen, "cannot create trace file %s: %s; give a writable path",
                     cfg->trace_path, strerror(-rc));
            vm_destroy(vm);
            return -EIO;
        }
    }
    rc = arch->init(vm, err, errlen);
    if (rc == 0)
        rc = board_create_devices(vm->board, vm, err, errlen);
    for (unsigned i = 0; rc == 0 && cfg->devices != NULL && cfg->devices[i] != NULL; i++)
        rc = device_create(vm, cfg->devices[i], err, errlen);
    if (rc == -ENOENT || rc == -EEXIST)
        rc = -EINVAL; /* a -device the user must change */
    if (rc != 0) {
        vm_destroy(vm);
        return rc;
    }
    *out = vm;
    return 0;
}

void vm_destroy(struct vm *vm)
{
    if (vm == NULL)
        return;
    /* No timer fires again, and the owners free their timers' memory in any order (the arch's
     * LAPIC timers before the devices' own): a device's vtimer_unregister must not walk the
     * list through memory already freed. */
    vm->timers.head = NULL;
    if (vm->arch != NULL && vm->arch->destroy != NULL)
        vm->arch->destroy(vm);
    for (unsigned i = 0; i < vm->ncpus; i++) {
        if (vm->vcpus[i].ctx != NULL)
            uc_context_free(vm->vcpus[i].ctx);
    }
    vm_destroy_devices(vm);
    if (vm->uc != NULL)
        uc_close(vm->uc);
    iobus_release(&vm->pio);
    iobus_release(&vm->mmio);
    irq_router_release(vm);
    msr_table_release(&vm->msrs);
    free(vm->notify_bus);
    for (unsigned i = 0; i < vm->nhc; i++)
        hc_table_release(&vm->hc[i]);
    trace_close(vm);
    gmem_release(&vm->mem);
    free(vm->vcpus);
    free(vm);
}

void vm_reset(struct vm *vm)
{
    vm_reset_devices(vm);
}

int vm_boot(struct vm *vm, char *err, size_t errlen)
{
    return vm->arch->boot(vm, err, errlen);
}

void vm_stop(struct vm *vm, enum outcome_kind kind, int status, const char *fmt, ...)
{
    if (vm->outcome.kind == OUTCOME_NONE) {
        vm->outcome.kind = kind;
        vm->outcome.status = status;
        vm->outcome.vcpu = vm->running != NULL ? vm->running->id : 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(vm->outcome.reason, sizeof(vm->outcome.reason), fmt, ap);
        va_end(ap);
    }
    if (vm->running != NULL)
        vm->running->exit.kind = EXIT_STOP;
    if (vm->uc != NULL)
        uc_emu_stop(vm->uc);
}

void vm_request_stop(struct vm *vm, int code)
{
    int none = 0;
    atomic_compare_exchange_strong(&vm->stop_request, &none, code);
    if (vm->uc != NULL)
        uc_emu_stop(vm->uc);
}

void vm_console_putc(struct vm *vm, uint8_t c)
{
    FILE *f = vm->cfg.console;
    if (fputc(c, f) == EOF || (c == '\n' && fflush(f) != 0) || ferror(f))
        vm_output_lost(vm, "the guest console", errno);
}

void vm_output_lost(struct vm *vm, const char *what, int err)
{
    if (vm->outcome.kind == OUTCOME_IO_ERROR)
        return;
    /* Overrides any outcome: a run whose output is lost must not look like a success. */
    vm->outcome.kind = OUTCOME_NONE;
    vm_stop(vm, OUTCOME_IO_ERROR, 0, "cannot write %s: %s", what,
            err != 0 ? strerror(err) : "write error");
}

void vcpu_wake(struct vcpu *vcpu)
{
    if (vcpu->state == VCPU_HALTED) {
        vcpu->state = VCPU_RUNNABLE;
        if (trace_enabled(vcpu->vm))
            trace_wake(vcpu->vm, vcpu);
    }
}

void vm_dump(struct vm *vm, FILE *out)
{
    vm_dump_vcpu(vm, vm->outcome.vcpu < vm->ncpus ? vm->outcome.vcpu : 0, out);
}

void vm_dump_all(struct vm *vm, FILE *out)
{
    for (unsigned i = 0; i < vm->ncpus; i++)
        vm_dump_vcpu(vm, i, out);
}

static void vm_dump_vcpu(struct vm *vm, unsigned id, FILE *out)
{
    struct vcpu *v = &vm->vcpus[id];
    if (vm->running != NULL)
        vcpu_sync_pc(vm->running);
    if (vm->running != v && v->ctx != NULL) {
        /* Load the vCPU so the backend can read its registers from the engine. */
        if (vm->running != NULL && vm->running->ctx != NULL)
            ENGINE_OK(vm, uc_context_save(vm->uc, vm->running->ctx));
        ENGINE_OK(vm, uc_context_restore(vm->uc, v->ctx));
        vm->running = v;
    }
    vm->arch->dump_regs(v, out);
}
