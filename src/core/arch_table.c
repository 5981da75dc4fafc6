/* The list of arch backends in this build and the lookup by ELF header. */
#include "softkvm/arch.h"

#include <string.h>

extern const struct arch_ops x86_64_arch_ops;
extern const struct arch_ops s390x_arch_ops;
extern const struct arch_ops ppc_arch_ops;
extern const struct arch_ops ppc64_arch_ops;

const struct arch_ops *const softkvm_arches[] = {
    &x86_64_arch_ops, &s390x_arch_ops, &ppc_arch_ops, &ppc64_arch_ops, NULL,
};

const struct arch_ops *arch_for_elf(uint16_t machine, uint8_t elf_class, uint8_t data)
{
    for (unsigned i = 0; softkvm_arches[i] != NULL; i++) {
        const struct arch_ops *a = softkvm_arches[i];
        if (a->elf_machine == machine && a->elf_class == elf_class && a->elf_data == data)
            return a;
    }
    return NULL;
}

int arch_reg_find(const struct arch_ops *arch, const char *name)
{
    for (unsigned i = 0; i < arch->nregs; i++)
        if (strcmp(arch->regs[i].name, name) == 0)
            return (int)i;
    return -1;
}
