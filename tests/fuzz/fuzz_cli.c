/* Fuzz target: the `softkvm run` command line. The input is argv after "softkvm", split at NUL
 * bytes. The parser must return (never exit), give a usable result or one line of error. */
#include "cli/options.h"
#include "fuzz.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    char *argv[MAX_ARGS + 2] = {"softkvm"};
    int argc = 1;
    for (size_t i = 0; i <= size && argc <= MAX_ARGS;) {
        argv[argc++] = copy + i;
        i += strlen(copy + i) + 1;
    }
    argv[argc] = NULL;
    struct cli_options o;
    char err[512];
    err[0] = '\0';
    if (cli_parse(argc, argv, &o, err, sizeof(err)) != 0) {
        FUZZ_CHECK(err[0] != '\0' && strchr(err, '\n') == NULL && strlen(err) < sizeof(err));
    } else if (o.cmd == CMD_RUN) {
        FUZZ_CHECK(o.kernel != NULL);
        FUZZ_CHECK(o.cfg.ram_mib >= SKVM_MIN_RAM_MIB && o.cfg.ram_mib <= SKVM_MAX_RAM_MIB);
        FUZZ_CHECK(o.cfg.ncpus >= 1 && o.cfg.ncpus <= SKVM_MAX_VCPUS);
    }
    free(copy);
    return 0;
}
