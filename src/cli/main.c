/* The softkvm command: parse options, load the kernel, run the VM, turn the outcome into a status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exit_status.h"
#include "cli/options.h"
#include "cli/watch.h"
#include "softkvm/gdbstub.h"
#include "softkvm/kernel.h"
#include "softkvm/stats.h"
#include "softkvm/vm.h"
#include "report/report.h"

static int fail(int status, const char *what)
{
    fprintf(stderr, "softkvm: %s\n", what);
    return status;
}

static int outcome_status(struct vm *vm, const struct vm_outcome *out, unsigned timeout_s)
{
    switch (out->kind) {
    case OUTCOME_IO_ERROR:
        fprintf(stderr, "softkvm: %s; the run was ended, its output is incomplete\n", out->reason);
        return EXIT_IO_ERROR;
    case OUTCOME_STOPPED:
        if (out->status == CLI_STOP_TIMEOUT) {
            fprintf(stderr,
                    "softkvm: --timeout %u: the guest was still running after %u s; its vCPUs' "
                    "registers follow\n",
                    timeout_s, timeout_s);
            vm_dump_all(vm, stderr);
            return EXIT_TIMEOUT;
        }
        fprintf(stderr, "softkvm: stopped by %s at the guest's next exit\n",
                out->status == SIGINT ? "SIGINT" : "SIGTERM");
        return EXIT_SIGNALLED + out->status;
    case OUTCOME_GUEST_EXIT:
        return out->status;
    case OUTCOME_GUEST_CRASH:
        fprintf(stderr, "softkvm: guest crashed: %s\n", out->reason);
        vm_dump(vm, stderr);
        return EXIT_GUEST_CRASH;
    case OUTCOME_GUEST_HALTED:
        fprintf(stderr, "softkvm: %s\n", out->reason);
        return EXIT_GUEST_HALTED;
    case OUTCOME_KILLED:
        fprintf(stderr, "softkvm: %s\n", out->reason);
        return EXIT_KILLED;
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
    struct cli_watch watch;
    int rc = cli_watch_init(&watch); /* before the engine exists: no thread may take a signal */
    if (rc != 0) {
        snprintf(msg, sizeof(msg), "cannot block SIGINT/SIGTERM: %s", strerror(-rc));
        return fail(EXIT_INTERNAL, msg);
    }
    rc = kernel_read_file(o->kernel, &buf, &len, err, sizeof(err));
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
    struct gdbstub *gdb = NULL;
    if (o->gdb != NULL) {
        char host[128], where[160];
        unsigned port;
        if (gdbstub_parse_address(o->gdb, host, sizeof(host), &port, err, sizeof(err)) != 0) {
            vm_destroy(vm);
            return fail(EXIT_USAGE, err);
        }
        rc =
            gdbstub_open(&gdb, vm, host, port, o->gdb_wait, where, sizeof(where), err, sizeof(err));
        if (rc != 0) {
            vm_destroy(vm);
            return fail(rc == -EINVAL ? EXIT_USAGE : EXIT_CANT_CREATE, err);
        }
        fprintf(stderr, "softkvm: gdb stub listening on %s%s\n", where,
                o->gdb_wait ? "; waiting for gdb before the first instruction" : "");
    }
    rc = cli_watch_begin(&watch, vm, o->timeout_s);
    if (rc != 0) {
        gdbstub_close(gdb, &vm->outcome, EXIT_INTERNAL);
        vm_destroy(vm);
        snprintf(msg, sizeof(msg), "cannot start the signal and timeout watcher: %s",
                 strerror(-rc));
        return fail(EXIT_INTERNAL, msg);
    }
    const struct vm_outcome *out = vm_run(vm);
    cli_watch_end(&watch);
    int status = outcome_status(vm, out, o->timeout_s);
    gdbstub_close(gdb, out, status);
    if (o->stats) {
        stats_summary(vm, stderr);
        stats_print(vm, stderr);
    }
    vm_destroy(vm);
    return status;
}

/* Flush what --help/--version wrote; a lost write is an error like a lost console. */
static int flushed(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "softkvm: cannot write to stdout: %s\n", strerror(errno));
        return EXIT_IO_ERROR;
    }
    return status;
}

static int report(const struct cli_options *o)
{
    struct trace_data d;
    char err[600];
    if (trace_data_load(&d, o->report_trace, err, sizeof(err)) != 0)
        return fail(EXIT_NO_KERNEL, err);
    int status = 0;
    if (o->report_timeline != NULL) {
        FILE *f = fopen(o->report_timeline, "w");
        if (f == NULL || timeline_write(&d, f) != 0) {
            snprintf(err, sizeof(err), "%s: cannot write the timeline", o->report_timeline);
            status = fail(EXIT_CANT_CREATE, err);
        }
        if (f != NULL && fclose(f) != 0 && status == 0) {
            snprintf(err, sizeof(err), "%s: cannot write the timeline", o->report_timeline);
            status = fail(EXIT_CANT_CREATE, err);
        }
    }
    if (status == 0)
        report_print(&d, o->report_vcpu, o->report_json, stdout);
    trace_data_free(&d);
    return status == 0 ? flushed(0) : status;
}

int main(int argc, char **argv)
{
    struct cli_options o;
    char err[512];
    /* A closed stdout or trace pipe is a write error (EPIPE) the run reports, not a silent death.
     */
    signal(SIGPIPE, SIG_IGN);
    if (cli_parse(argc, argv, &o, err, sizeof(err)) != 0) {
        fprintf(stderr, "softkvm: %s\n", err);
        return EXIT_USAGE;
    }
    switch (o.cmd) {
    case CMD_HELP:
        cli_print_usage(stdout);
        return flushed(0);
    case CMD_REPORT:
        return report(&o);
    case CMD_VERSION:
        printf("softkvm %s (Unicorn %u.%u.%u)\n", SOFTKVM_VERSION, UC_API_MAJOR, UC_API_MINOR,
               UC_API_PATCH);
        return flushed(0);
    default:
        o.cfg.console = stdout;
        return run(&o);
    }
}
