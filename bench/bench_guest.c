/* Running a prebuilt guest kernel under softkvm for a benchmark: wall time of the run and what
 * the guest printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "softkvm/kernel.h"

int bench_guest_run(const char *name, unsigned ncpus, uint64_t *wall_ns, char *out, size_t outlen)
{
    char path[512], err[512];
    snprintf(path, sizeof(path), "%s/%s", SOFTKVM_GUEST_DIR, name);
    uint8_t *buf;
    uint64_t len;
    if (kernel_read_file(path, &buf, &len, err, sizeof(err)) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        return -1;
    }
    char *text = NULL;
    size_t textlen = 0;
    FILE *console = open_memstream(&text, &textlen);
    struct vm_config cfg = {
        .ram_mib = 128, .ncpus = ncpus, .hypercall_patching = true, .console = console};
    struct vm *vm;
    int rc = kernel_boot_vm(&vm, &cfg, buf, len, err, sizeof(err));
    free(buf);
    if (rc != 0) {
        fprintf(stderr, "bench: %s: %s\n", name, err);
        fclose(console);
        free(text);
        return -1;
    }
    uint64_t t0 = bench_now_ns();
    const struct vm_outcome *o = vm_run(vm);
    *wall_ns = bench_now_ns() - t0;
    rc = o->kind == OUTCOME_GUEST_EXIT && o->status == 0 ? 0 : -1;
    if (rc != 0)
        fprintf(stderr, "bench: guest %s did not succeed: %s (status %d)\n", name, o->reason,
                o->status);
    vm_destroy(vm);
    fclose(console);
    if (out != NULL && outlen > 0) {
        snprintf(out, outlen, "%s", text != NULL ? text : "");
    }
    free(text);
    return rc;
}
