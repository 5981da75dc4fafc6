/* Command-line parsing for `softkvm run`: the option table, its parser and the generated --help.
 */
#include "cli/options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/values.h"

#define COUNT(a) (unsigned)(sizeof(a) / sizeof((a)[0]))

static int set_help(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    o->cmd = CMD_HELP;
    return 1;
}

static int set_ram(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    uint64_t mib;
    int rc = cli_value_uint(val, SKVM_MIN_RAM_MIB, SKVM_MAX_RAM_MIB, &mib);
    if (rc == -EINVAL) {
        snprintf(err, errlen, "-m needs a whole number of MiB, e.g. -m 128");
        return -1;
    }
    if (rc != 0) {
        char shown[64];
        snprintf(err, errlen, "-m %s: guest RAM must be %u-%u MiB",
                 cli_printable(val, shown, sizeof(shown)), SKVM_MIN_RAM_MIB, SKVM_MAX_RAM_MIB);
        return -1;
    }
    o->cfg.ram_mib = mib;
    return 0;
}

static int set_smp(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    uint64_t n;
    if (cli_value_uint(val, 1, SKVM_MAX_VCPUS, &n) != 0) {
        snprintf(err, errlen, "--smp needs a vCPU count from 1 to %u", SKVM_MAX_VCPUS);
        return -1;
    }
    o->cfg.ncpus = (unsigned)n;
    return 0;
}

static int set_trace(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    if (val == NULL || val[0] == '\0') {
        snprintf(err, errlen, "--trace needs a file name");
        return -1;
    }
    o->cfg.trace_path = val;
    return 0;
}

#define MAX_TIMEOUT_S 604800u /* a week */

static int set_timeout(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    uint64_t s;
    if (cli_value_uint(val, 1, MAX_TIMEOUT_S, &s) != 0) {
        snprintf(err, errlen, "--timeout needs a whole number of seconds from 1 to %u",
                 MAX_TIMEOUT_S);
        return -1;
    }
    o->timeout_s = (unsigned)s;
    return 0;
}

static int set_stats(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    o->stats = true;
    return 0;
}

static int set_vendor(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    static const char *const names[] = {[VENDOR_INTEL] = "intel", [VENDOR_AMD] = "amd"};
    unsigned i;
    if (cli_value_enum(val, names, COUNT(names), &i) != 0) {
        snprintf(err, errlen, "--cpu-vendor takes 'intel' or 'amd'");
        return -1;
    }
    o->cfg.vendor = (enum cpu_vendor)i;
    return 0;
}

static int set_no_patching(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    o->cfg.hypercall_patching = false;
    return 0;
}

static int set_enforce_pv(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    o->cfg.enforce_pv_features = true;
    return 0;
}

/* The KVM features --hide-pv-feature knows, by KVM_FEATURE_* bit number. */
static const char *const pv_feature_names[] = {
    [7] = "pv_unhalt",
    [11] = "pv_send_ipi",
    [13] = "pv_sched_yield",
};

static int set_hide_pv(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    const char *names[COUNT(pv_feature_names)];
    for (unsigned i = 0; i < COUNT(names); i++) /* unnamed bits match nothing */
        names[i] = pv_feature_names[i] != NULL ? pv_feature_names[i] : "";
    uint64_t mask;
    const char *bad;
    size_t badlen;
    if (cli_value_list(val, names, COUNT(names), &mask, &bad, &badlen) == 0) {
        o->cfg.hide_pv_features |= mask;
        return 0;
    }
    if (bad == NULL) {
        snprintf(err, errlen, "--hide-pv-feature needs a list such as pv_unhalt,pv_send_ipi");
        return -1;
    }
    char item[64], shown[64];
    snprintf(item, sizeof(item), "%.*s", badlen > 63 ? 63 : (int)badlen, bad);
    snprintf(err, errlen,
             "--hide-pv-feature: unknown feature '%s' (known: pv_unhalt, pv_send_ipi, "
             "pv_sched_yield)",
             cli_printable(item, shown, sizeof(shown)));
    return -1;
}

static int set_cpu(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    if (val == NULL || val[0] == '\0' || val[0] == '-') {
        snprintf(err, errlen, "--cpu needs a CPU model name, e.g. --cpu 750");
        return -1;
    }
    o->cfg.cpu_model = val; /* the backend checks it against its models */
    return 0;
}

static int set_hcall_style(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    static const char *const names[] = {"pr", "hv"};
    unsigned i;
    if (cli_value_enum(val, names, COUNT(names), &i) != 0) {
        snprintf(err, errlen, "--hcall-style takes 'pr' or 'hv'");
        return -1;
    }
    o->cfg.hcall_style = names[i];
    return 0;
}

static int set_gdb(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    if (val == NULL || val[0] == '\0') {
        snprintf(err, errlen, "--gdb needs tcp:[HOST]:PORT, e.g. --gdb tcp::1234");
        return -1;
    }
    o->gdb = val; /* the stub checks the address */
    return 0;
}

static int set_gdb_default(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    o->gdb = "tcp::1234";
    return 0;
}

static int set_gdb_wait(struct cli_options *o, const char *val, char *err, size_t errlen)
{
    o->gdb_wait = true;
    return 0;
}

static const struct cli_option general_options[] = {
    {"-m", NULL, "MIB", set_ram,
     "guest RAM (default 128, range 2-16777216; x86 RAM past\n"
     "3 GiB goes above 4 GiB; PowerPC and s390x: at most 3840)"},
    {"--smp", NULL, "N", set_smp, "vCPUs (default 1, range 1-64)"},
    {"--trace", NULL, "FILE", set_trace, "one JSON object per line per exit/hypercall"},
    {"--stats", NULL, NULL, set_stats, "print per-hypercall and per-exit counts at the end"},
    {"--timeout", NULL, "SECONDS", set_timeout,
     "stop a guest still running after SECONDS of host time:\n"
     "registers of every vCPU to stderr, status 124"},
    {"--gdb", NULL, "tcp:[HOST]:PORT", set_gdb,
     "gdb remote stub (HOST default 127.0.0.1; PORT 0: any)"},
    {"-s", NULL, NULL, set_gdb_default, "--gdb tcp::1234"},
    {"-S", NULL, NULL, set_gdb_wait, "stop before the first instruction until gdb attaches"},
    {"--help", "-h", NULL, set_help, "print this help"},
};

static const struct cli_option x86_options[] = {
    {"--cpu-vendor", NULL, "intel|amd", set_vendor,
     "which hypercall instruction is native (default intel)"},
    {"--no-hypercall-patching", NULL, NULL, set_no_patching,
     "foreign instruction gets #UD instead of being patched"},
    {"--enforce-pv-cpuid", NULL, NULL, set_enforce_pv,
     "a hypercall whose KVM feature bit is hidden answers\n"
     "-KVM_ENOSYS (KVM_CAP_ENFORCE_PV_FEATURE_CPUID)"},
    {"--hide-pv-feature", NULL, "LIST", set_hide_pv,
     "do not advertise these KVM features (comma-separated:\n"
     "pv_unhalt, pv_send_ipi, pv_sched_yield)"},
};

static const struct cli_option ppc_options[] = {
    {"--cpu", NULL, "MODEL", set_cpu,
     "CPU model (ppc: 7457a (default), 750, 7448...; ppc64:\n"
     "power10); an unknown name lists the models"},
    {"--hcall-style", NULL, "pr|hv", set_hcall_style,
     "hypercall instruction in the device tree: pr (default:\n"
     "r0 magic + sc) or hv (sc 1)"},
};

const struct cli_option_block cli_run_blocks[] = {
    {NULL, CLI_ARCH_ALL, general_options, COUNT(general_options)},
    {"x86-64", CLI_ARCH_X86_64, x86_options, COUNT(x86_options)},
    {"PowerPC (ppc, ppc64)", CLI_ARCH_PPC | CLI_ARCH_PPC64, ppc_options, COUNT(ppc_options)},
};
const unsigned cli_run_nblocks = COUNT(cli_run_blocks);

const struct cli_option *cli_find_option(const struct cli_option_block *blocks, unsigned nblocks,
                                         const char *arg)
{
    for (unsigned b = 0; b < nblocks; b++) {
        for (unsigned i = 0; i < blocks[b].count; i++) {
            const struct cli_option *opt = &blocks[b].options[i];
            if (strcmp(arg, opt->name) == 0 || (opt->alias != NULL && strcmp(arg, opt->alias) == 0))
                return opt;
        }
    }
    return NULL;
}

void cli_print_usage(FILE *out)
{
    fputs("usage: softkvm run [options] KERNEL      run a guest kernel (ELF); arch from the ELF "
          "header\n",
          out);
    for (unsigned b = 0; b < cli_run_nblocks; b++) {
        const struct cli_option_block *blk = &cli_run_blocks[b];
        if (blk->title != NULL)
            fprintf(out, " %s options:\n", blk->title);
        for (unsigned i = 0; i < blk->count; i++) {
            const struct cli_option *opt = &blk->options[i];
            char left[64];
            snprintf(left, sizeof(left), "%s%s%s%s%s", opt->alias ? opt->alias : "",
                     opt->alias ? ", " : "", opt->name, opt->metavar ? " " : "",
                     opt->metavar ? opt->metavar : "");
            const char *h = opt->help;
            for (bool first = true; *h != '\0'; first = false) {
                size_t len = strcspn(h, "\n");
                fprintf(out, "  %-32s%.*s\n", first ? left : "", (int)len, h);
                h += len + (h[len] == '\n');
            }
        }
    }
    fputs("       softkvm report [--json] [--vcpu N] [--timeline OUT.json] TRACE.jsonl\n"
          "                                  perf-kvm-stat style summary of a --trace file;\n"
          "                                  --timeline also writes Chrome/Perfetto JSON\n"
          "       softkvm --help | --version\n",
          out);
}

/* softkvm report [--json] [--vcpu N] [--timeline OUT.json] TRACE.jsonl */
static int parse_report(int argc, char **argv, struct cli_options *o, char *err, size_t errlen)
{
    o->cmd = CMD_REPORT;
    o->report_vcpu = -1;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n;
        if (strcmp(a, "--json") == 0) {
            o->report_json = true;
        } else if (strcmp(a, "--vcpu") == 0) {
            if (cli_value_uint(val, 0, SKVM_MAX_VCPUS - 1, &n) != 0) {
                snprintf(err, errlen, "--vcpu needs a vCPU number from 0 to %u",
                         SKVM_MAX_VCPUS - 1);
                return -1;
            }
            o->report_vcpu = (int)n;
            i++;
        } else if (strcmp(a, "--timeline") == 0) {
            if (val == NULL || val[0] == '\0') {
                snprintf(err, errlen, "--timeline needs an output file name");
                return -1;
            }
            o->report_timeline = val;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            snprintf(err, errlen, "unknown report option '%s'; try 'softkvm --help'", a);
            return -1;
        } else if (o->report_trace != NULL) {
            snprintf(err, errlen, "unexpected argument '%s': one TRACE.jsonl only", a);
            return -1;
        } else {
            o->report_trace = a;
        }
    }
    if (o->report_trace == NULL) {
        snprintf(err, errlen, "no TRACE given: softkvm report [options] TRACE.jsonl");
        return -1;
    }
    return 0;
}

int cli_parse(int argc, char **argv, struct cli_options *o, char *err, size_t errlen)
{
    char shown[200]; /* an argument quoted in a message: one line, whatever it holds */
    memset(o, 0, sizeof(*o));
    o->cfg.ram_mib = 128;
    o->cfg.ncpus = 1;
    o->cfg.vendor = VENDOR_INTEL;
    o->cfg.hypercall_patching = true;
    /* Debugging aid (README, "Environment"): only the engine's register API, no direct state. */
    const char *api_only = getenv("SOFTKVM_ENGINE_API_ONLY");
    o->cfg.engine_api_only = api_only != NULL && *api_only != '\0' && strcmp(api_only, "0") != 0;
    if (argc < 2) {
        snprintf(err, errlen, "no command given; try 'softkvm --help'");
        return -1;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        o->cmd = CMD_HELP;
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        o->cmd = CMD_VERSION;
        return 0;
    }
    if (strcmp(argv[1], "report") == 0)
        return parse_report(argc, argv, o, err, errlen);
    if (strcmp(argv[1], "run") != 0) {
        snprintf(err, errlen, "unknown command '%s'; try 'softkvm --help'",
                 cli_printable(argv[1], shown, sizeof(shown)));
        return -1;
    }
    o->cmd = CMD_RUN;
    int i = 2;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == '\0')
            break;
        const struct cli_option *opt = cli_find_option(cli_run_blocks, cli_run_nblocks, a);
        if (opt == NULL) {
            snprintf(err, errlen, "unknown option '%s'; try 'softkvm --help'",
                     cli_printable(a, shown, sizeof(shown)));
            return -1;
        }
        const char *val = NULL;
        if (opt->metavar != NULL && i + 1 < argc)
            val = argv[++i];
        int rc = opt->set(o, val, err, errlen);
        if (rc != 0)
            return rc > 0 ? 0 : -1;
    }
    if (i >= argc) {
        snprintf(err, errlen, "no KERNEL given: softkvm run [options] KERNEL");
        return -1;
    }
    if (i + 1 < argc) {
        snprintf(err, errlen, "unexpected argument '%s' after KERNEL",
                 cli_printable(argv[i + 1], shown, sizeof(shown)));
        return -1;
    }
    o->kernel = argv[i];
    if (o->gdb_wait && o->gdb == NULL) {
        snprintf(err, errlen, "-S waits for gdb: give --gdb tcp:[HOST]:PORT or -s too");
        return -1;
    }
    return 0;
}
