/* The PowerPC CPU models --cpu accepts (Unicorn's UC_CPU_PPC32_* / UC_CPU_PPC64_*) and why others
 * are refused. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arch/ppc/ppc.h"

/* Book3S-32 models: hardware page-table walk or software TLB reload, all with real mode and
 * vectors at 0 once MSR[IP] is cleared. The first is the default. */
static const struct ppc_cpu_model ppc32_models[] = {
    {"7457a", UC_CPU_PPC32_7457A_V1_2, false, "PowerPC,7457A", 32},
    {"7447a", UC_CPU_PPC32_7447A_V1_2, false, "PowerPC,7447A", 32},
    {"7457", UC_CPU_PPC32_7457_V1_2, false, "PowerPC,7457", 32},
    {"7455", UC_CPU_PPC32_7455_V3_4, false, "PowerPC,7455", 32},
    {"7450", UC_CPU_PPC32_7450_V2_1, false, "PowerPC,7450", 32},
    {"7448", UC_CPU_PPC32_7448_V2_1, false, "PowerPC,7448", 32},
    {"7410", UC_CPU_PPC32_7410_V1_4, false, "PowerPC,7410", 32},
    {"7400", UC_CPU_PPC32_7400_V2_9, false, "PowerPC,7400", 32},
    {"750", UC_CPU_PPC32_750_V3_1, false, "PowerPC,750", 32},
    {"750cl", UC_CPU_PPC32_750CL_V2_0, false, "PowerPC,750CL", 32},
    {"750cx", UC_CPU_PPC32_750CX_V2_2, false, "PowerPC,750CX", 32},
    {"750fx", UC_CPU_PPC32_750FX_V2_3, false, "PowerPC,750FX", 32},
    {"750gx", UC_CPU_PPC32_750GX_V1_2, false, "PowerPC,750GX", 32},
    {"740", UC_CPU_PPC32_740_V3_1, false, "PowerPC,740", 32},
    {"755", UC_CPU_PPC32_755_V2_8, false, "PowerPC,755", 32},
    {"604e", UC_CPU_PPC32_604E_V2_4, false, "PowerPC,604e", 32},
    {"604", UC_CPU_PPC32_604, false, "PowerPC,604", 32},
    {"603e", UC_CPU_PPC32_603E_V4_1, false, "PowerPC,603e", 32},
    {"e600", UC_CPU_PPC32_E600, false, "PowerPC,e600", 32},
    {"e300c3", UC_CPU_PPC32_E300C3, false, "PowerPC,e300c3", 32},
    {"g2le", UC_CPU_PPC32_G2LE, false, "PowerPC,G2LE", 32},
};

/* Unicorn 2.1.4 reaches exactly one Book3S-64 model: its UC_MODE_PPC64 default. */
static const struct ppc_cpu_model ppc64_models[] = {
    {"power10", -1, true, "PowerPC,POWER10", 128},
};

struct refused {
    const char *prefix;
    const char *why;
};

static const struct refused refused[] = {
    {"970", "Unicorn 2.1.4 cannot select it: in 64-bit mode uc_ctl_set_cpu_model indexes the "
            "32-bit model table, so the only reachable 64-bit model is its default, power10"},
    {"power", "Unicorn 2.1.4 cannot select it: in 64-bit mode uc_ctl_set_cpu_model indexes the "
              "32-bit model table, so the only reachable 64-bit model is its default, power10"},
    {"e500", "BookE models are not supported: no real mode, and Unicorn crashes on their timer "
             "registers (it never creates their timebase state)"},
    {"e5500", "BookE models are not supported"},
    {"e6500", "BookE models are not supported"},
    {"e200", "BookE models are not supported"},
    {"40", "embedded 40x/44x models are not supported (BookE-style vectors and timers)"},
    {"44", "embedded 40x/44x models are not supported (BookE-style vectors and timers)"},
    {"601", "Unicorn's 601 reads its real-time clock through timebase state it never creates "
            "(the host would crash)"},
};

static void list_names(const struct ppc_cpu_model *m, size_t n, char *buf, size_t len)
{
    size_t used = strlen(buf);
    for (size_t i = 0; i < n && used < len; i++) {
        snprintf(buf + used, len - used, "%s%s%s", i ? ", " : "", m[i].name,
                 i == 0 ? " (default)" : "");
        used = strlen(buf);
    }
}

const struct ppc_cpu_model *ppc_cpu_model_find(const char *name, bool is64, char *err,
                                               size_t errlen)
{
    const struct ppc_cpu_model *mine = is64 ? ppc64_models : ppc32_models;
    size_t n = is64 ? sizeof(ppc64_models) / sizeof(ppc64_models[0])
                    : sizeof(ppc32_models) / sizeof(ppc32_models[0]);
    const struct ppc_cpu_model *other = is64 ? ppc32_models : ppc64_models;
    size_t nother = is64 ? sizeof(ppc32_models) / sizeof(ppc32_models[0])
                         : sizeof(ppc64_models) / sizeof(ppc64_models[0]);
    if (name == NULL)
        return &mine[0];
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(name, mine[i].name) == 0)
            return &mine[i];
    char names[400] = "";
    list_names(mine, n, names, sizeof(names));
    const char *arch = is64 ? "ppc64" : "ppc";
    for (size_t i = 0; i < nother; i++) {
        if (strcasecmp(name, other[i].name) == 0) {
            snprintf(err, errlen,
                     "--cpu %s is a %s-bit model and this kernel is %s-bit; %s models: %s", name,
                     is64 ? "32" : "64", is64 ? "64" : "32", arch, names);
            return NULL;
        }
    }
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        if (strncasecmp(name, refused[i].prefix, strlen(refused[i].prefix)) == 0) {
            snprintf(err, errlen, "--cpu %s: %s; %s models: %s", name, refused[i].why, arch, names);
            return NULL;
        }
    }
    snprintf(err, errlen, "--cpu %s: unknown %s CPU model; %s models: %s", name, arch, arch, names);
    return NULL;
}
