/* Command-line parsing for `softkvm run`: options into a VM configuration, or a usage error. */
#include "cli/options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cli_usage[] =
    "usage: softkvm run [options] KERNEL      run a guest kernel (ELF); arch from the ELF header\n"
    "  -m MIB                          guest RAM in MiB (default 128, range 2-3072)\n"
    "  --smp N                         vCPUs (default 1, range 1-64)\n"
    "  --cpu-vendor intel|amd          which hypercall instruction is native (default intel)\n"
    "  --no-hypercall-patching         foreign instruction gets #UD instead of being patched\n"
    "  --cpu MODEL                     CPU model (PowerPC: ppc 7457a (default), 750, 7448...;\n"
    "                                  ppc64 power10); an unknown name lists the models\n"
    "  --hcall-style pr|hv             PowerPC hypercall instruction in the device tree: pr\n"
    "                                  (default: r0 magic + sc) or hv (sc 1)\n"
    "  --trace FILE                    one JSON object per line per exit/hypercall\n"
    "  --stats                         print per-hypercall and per-exit counts at the end\n"
    "  --enforce-pv-cpuid              a hypercall whose KVM feature bit is hidden answers\n"
    "                                  -KVM_ENOSYS (KVM_CAP_ENFORCE_PV_FEATURE_CPUID)\n"
    "  --hide-pv-feature LIST          do not advertise these KVM features (comma-separated:\n"
    "                                  pv_unhalt, pv_send_ipi, pv_sched_yield)\n"
    "       softkvm --help | --version\n";

static const struct {
    const char *name;
    unsigned bit;
} pv_feature_names[] = {
    {"pv_unhalt", 7},
    {"pv_send_ipi", 11},
    {"pv_sched_yield", 13},
};

/* "a,b,c" of feature names into a mask. Returns 0 or -1 with err filled. */
static int parse_features(const char *list, uint64_t *mask, char *err, size_t errlen)
{
    char buf[256];
    if (list == NULL || list[0] == '\0' || strlen(list) >= sizeof(buf)) {
        snprintf(err, errlen, "--hide-pv-feature needs a list such as pv_unhalt,pv_send_ipi");
        return -1;
    }
    strcpy(buf, list);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        size_t i, n = sizeof(pv_feature_names) / sizeof(pv_feature_names[0]);
        for (i = 0; i < n && strcmp(tok, pv_feature_names[i].name) != 0; i++)
            ;
        if (i == n) {
            snprintf(err, errlen,
                     "--hide-pv-feature: unknown feature '%s' (known: pv_unhalt, pv_send_ipi, "
                     "pv_sched_yield)",
                     tok);
            return -1;
        }
        *mask |= 1ULL << pv_feature_names[i].bit;
    }
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int cli_parse(int argc, char **argv, struct cli_options *o, char *err, size_t errlen)
{
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
    if (strcmp(argv[1], "run") != 0) {
        snprintf(err, errlen, "unknown command '%s'; try 'softkvm --help'", argv[1]);
        return -1;
    }
    o->cmd = CMD_RUN;
    int i = 2;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == '\0')
            break;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            o->cmd = CMD_HELP;
            return 0;
        }
        if (strcmp(a, "-m") == 0) {
            uint64_t mib;
            if (val == NULL || parse_u64(val, &mib) != 0) {
                snprintf(err, errlen, "-m needs a whole number of MiB, e.g. -m 128");
                return -1;
            }
            if (mib < SKVM_MIN_RAM_MIB || mib > SKVM_MAX_RAM_MIB) {
                snprintf(err, errlen, "-m %s: guest RAM must be %u-%u MiB", val, SKVM_MIN_RAM_MIB,
                         SKVM_MAX_RAM_MIB);
                return -1;
            }
            o->cfg.ram_mib = mib;
            i++;
        } else if (strcmp(a, "--smp") == 0) {
            uint64_t n;
            if (val == NULL || parse_u64(val, &n) != 0 || n < 1 || n > SKVM_MAX_VCPUS) {
                snprintf(err, errlen, "--smp needs a vCPU count from 1 to %u", SKVM_MAX_VCPUS);
                return -1;
            }
            o->cfg.ncpus = (unsigned)n;
            i++;
        } else if (strcmp(a, "--enforce-pv-cpuid") == 0) {
            o->cfg.enforce_pv_features = true;
        } else if (strcmp(a, "--hide-pv-feature") == 0) {
            if (parse_features(val, &o->cfg.hide_pv_features, err, errlen) != 0)
                return -1;
            i++;
        } else if (strcmp(a, "--cpu-vendor") == 0) {
            if (val != NULL && strcmp(val, "intel") == 0) {
                o->cfg.vendor = VENDOR_INTEL;
            } else if (val != NULL && strcmp(val, "amd") == 0) {
                o->cfg.vendor = VENDOR_AMD;
            } else {
                snprintf(err, errlen, "--cpu-vendor takes 'intel' or 'amd'");
                return -1;
            }
            i++;
        } else if (strcmp(a, "--cpu") == 0) {
            if (val == NULL || val[0] == '\0' || val[0] == '-') {
                snprintf(err, errlen, "--cpu needs a CPU model name, e.g. --cpu 750");
                return -1;
            }
            o->cfg.cpu_model = val; /* the backend checks it against its models */
            i++;
        } else if (strcmp(a, "--hcall-style") == 0) {
            if (val == NULL || (strcmp(val, "pr") != 0 && strcmp(val, "hv") != 0)) {
                snprintf(err, errlen, "--hcall-style takes 'pr' or 'hv'");
                return -1;
            }
            o->cfg.hcall_style = val;
            i++;
        } else if (strcmp(a, "--no-hypercall-patching") == 0) {
            o->cfg.hypercall_patching = false;
        } else if (strcmp(a, "--trace") == 0) {
            if (val == NULL || val[0] == '\0') {
                snprintf(err, errlen, "--trace needs a file name");
                return -1;
            }
            o->cfg.trace_path = val;
            i++;
        } else if (strcmp(a, "--stats") == 0) {
            o->stats = true;
        } else {
            snprintf(err, errlen, "unknown option '%s'; try 'softkvm --help'", a);
            return -1;
        }
    }
    if (i >= argc) {
        snprintf(err, errlen, "no KERNEL given: softkvm run [options] KERNEL");
        return -1;
    }
    if (i + 1 < argc) {
        snprintf(err, errlen, "unexpected argument '%s' after KERNEL", argv[i + 1]);
        return -1;
    }
    o->kernel = argv[i];
    return 0;
}
