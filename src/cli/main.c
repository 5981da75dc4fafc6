/* The softkvm command: parse options, load the kernel, run the VM, turn the outcome into a status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/exit_status.h"
#include "cli/options.h"
#include "softkvm/arch.h"
#include "softkvm/elf.h"
#include "softkvm/stats.h"
#include "softkvm/vm.h"

#define MAX_KERNEL_BYTES (1ULL << 31)

static int fail(int status, const char *what)
{
    fprintf(stderr, "softkvm: %s\n", what);
    return status;
}

/* Read the whole file. Returns 0, or an exit status with the message printed. */
static int read_kernel(const char *path, uint8_t **buf, uint64_t *len)
{
    char msg[512];
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(msg, sizeof(msg), "cannot open kernel %s: %s", path, strerror(errno));
        return fail(EXIT_NO_KERNEL, msg);
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        snprintf(msg, sizeof(msg), "kernel %s is not a regular file", path);
        return fail(EXIT_NO_KERNEL, msg);
    }
    if ((uint64_t)st.st_size > MAX_KERNEL_BYTES) {
        fclose(f);
        snprintf(msg, sizeof(msg), "kernel %s is larger than 2 GiB", path);
        return fail(EXIT_BAD_KERNEL, msg);
    }
    *len = (uint64_t)st.st_size;
    *buf = malloc(*len ? *len : 1);
    if (*buf == NULL) {
        fclose(f);
        return fail(EXIT_HOST_LIMIT, "out of host memory reading the kernel");
    }
    if (*len > 0 && fread(*buf, 1, *len, f) != *len) {
        fclose(f);
        free(*buf);
        snprintf(msg, sizeof(msg), "cannot read kernel %s: %s", path, strerror(errno));
        return fail(EXIT_NO_KERNEL, msg);
    }
    fclose(f);
    return 0;
}

static int outcome_status(struct vm *vm, const struct vm_outcome *out)
{
    switch (out->kind) {
    case OUTCOME_GUEST_EXIT:
        return out->status;
    case OUTCOME_GUEST_CRASH:
        fprintf(stderr, "softkvm: guest crashed: %s\n", out->reason);
        vm_dump(vm, stderr);
        return EXIT_GUEST_CRASH;
    case OUTCOME_GUEST_HALTED:
        fprintf(stderr, "softkvm: %s\n", out->reason);
        return EXIT_GUEST_HALTED;
    default:
        fprintf(stderr, "softkvm: error: %s\n", out->reason);
        return EXIT_INTERNAL;
    }
}

static int run(const struct cli_options *o)
{
    uint8_t *buf;
    uint64_t len;
    int st = read_kernel(o->kernel, &buf, &len);
    if (st != 0)
        return st;
    char err[512], msg[700];
    struct elf_image img;
    if (elf_parse(buf, len, &img, err, sizeof(err)) != 0) {
        free(buf);
        snprintf(msg, sizeof(msg), "%s: %s", o->kernel, err);
        return fail(EXIT_BAD_KERNEL, msg);
    }
    const struct arch_ops *arch = arch_for_elf(img.machine, img.elf_class, img.data);
    if (arch == NULL) {
        const char *name = elf_machine_name(img.machine);
        char known[128] = "";
        for (unsigned k = 0; softkvm_arches[k] != NULL; k++) {
            size_t used = strlen(known);
            snprintf(known + used, sizeof(known) - used, "%s%s", k ? ", " : "",
                     softkvm_arches[k]->name);
        }
        snprintf(msg, sizeof(msg),
                 "%s: ELF for %s%s(machine %u, %u-bit, %s-endian) is not supported; softkvm "
                 "runs: %s",
                 o->kernel, name ? name : "an unknown machine ", name ? " " : "", img.machine,
                 img.elf_class == 2 ? 64 : 32, img.data == 2 ? "big" : "little", known);
        free(buf);
        return fail(EXIT_BAD_KERNEL, msg);
    }
    if (elf_check_layout(&img, o->cfg.ram_mib << 20, arch->reserved_lo, arch->reserved_hi, err,
                         sizeof(err)) != 0) {
        free(buf);
        snprintf(msg, sizeof(msg), "%s: %s", o->kernel, err);
        return fail(EXIT_BAD_KERNEL, msg);
    }
    struct vm *vm;
    int rc = vm_create(&vm, arch, &o->cfg, err, sizeof(err));
    if (rc != 0) {
        free(buf);
        int st2 = rc == -ENOMEM ? EXIT_HOST_LIMIT : rc == -EIO ? EXIT_CANT_CREATE : EXIT_INTERNAL;
        return fail(st2, err);
    }
    vm->entry = img.entry;
    vm->elf64 = img.elf_class == 2;
    rc = elf_load(&img, buf, &vm->mem);
    free(buf);
    if (rc == 0)
        rc = vm_boot(vm, err, sizeof(err));
    else
        snprintf(err, sizeof(err), "cannot load the kernel into guest RAM");
    if (rc != 0) {
        vm_destroy(vm);
        return fail(EXIT_INTERNAL, err);
    }
    const struct vm_outcome *out = vm_run(vm);
    int status = outcome_status(vm, out);
    if (o->stats) {
        stats_summary(vm, stderr);
        stats_print(vm, stderr);
    }
    vm_destroy(vm);
    return status;
}

int main(int argc, char **argv)
{
    struct cli_options o;
    char err[512];
    if (cli_parse(argc, argv, &o, err, sizeof(err)) != 0) {
        fprintf(stderr, "softkvm: %s\n", err);
        return EXIT_USAGE;
    }
    switch (o.cmd) {
    case CMD_HELP:
        fputs(cli_usage, stdout);
        return 0;
    case CMD_VERSION:
        printf("softkvm %s (Unicorn %u.%u.%u)\n", SOFTKVM_VERSION, UC_API_MAJOR, UC_API_MINOR,
               UC_API_PATCH);
        return 0;
    default:
        o.cfg.console = stdout;
        return run(&o);
    }
}
