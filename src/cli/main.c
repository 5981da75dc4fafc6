/* The softkvm command: parse options, load the kernel, run the VM, turn the outcome into a status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exit_status.h"
#include "cli/options.h"
#include "softkvm/kernel.h"
#include "softkvm/stats.h"
#include "softkvm/vm.h"

static int fail(int status, const char *what)
{
    fprintf(stderr, "softkvm: %s\n", what);
    return status;
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
    char err[512], msg[700];
    int rc = kernel_read_file(o->kernel, &buf, &len, err, sizeof(err));
    if (rc != 0)
        return fail(rc == -ENOMEM  ? EXIT_HOST_LIMIT
                    : rc == -EFBIG ? EXIT_BAD_KERNEL
                                   : EXIT_NO_KERNEL,
                    err);
    struct vm *vm;
    rc = kernel_boot_vm(&vm, &o->cfg, buf, len, err, sizeof(err));
    free(buf);
    if (rc == -ENOEXEC) {
        snprintf(msg, sizeof(msg), "%s: %s", o->kernel, err);
        return fail(EXIT_BAD_KERNEL, msg);
    }
    if (rc != 0)
        return fail(rc == -ENOMEM   ? EXIT_HOST_LIMIT
                    : rc == -EIO    ? EXIT_CANT_CREATE
                    : rc == -EINVAL ? EXIT_USAGE
                                    : EXIT_INTERNAL,
                    err);
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
        cli_print_usage(stdout);
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
