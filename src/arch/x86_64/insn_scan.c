/* The x86 instruction-trap scanner on Capstone (Debian's libcapstone-dev): Capstone decodes each
 * instruction (its length and its operands); this file only picks the ones to trap. */
#include "arch/x86_64/insn_scan.h"

#include <capstone/capstone.h>
#include <errno.h>
#include <string.h>

static unsigned mode_index(unsigned bits)
{
    return bits == 16 ? 0 : bits == 32 ? 1 : 2;
}

int x86_scanner_open(struct x86_scanner *s)
{
    static const cs_mode modes[3] = {CS_MODE_16, CS_MODE_32, CS_MODE_64};
    memset(s, 0, sizeof(*s));
    for (unsigned i = 0; i < 3; i++) {
        csh h;
        if (cs_open(CS_ARCH_X86, modes[i], &h) != CS_ERR_OK) {
            x86_scanner_close(s);
            return -ENOTSUP;
        }
        s->cs[i] = h;
        /* Operand detail: a MOV's control register. */
        if (cs_option(h, CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK) {
            x86_scanner_close(s);
            return -ENOTSUP;
        }
        s->insn[i] = cs_malloc(h);
        if (s->insn[i] == NULL) {
            x86_scanner_close(s);
            return -ENOMEM;
        }
    }
    s->bits = 64;
    return 0;
}

void x86_scanner_close(struct x86_scanner *s)
{
    for (unsigned i = 0; i < 3; i++) {
        if (s->insn[i] != NULL)
            cs_free(s->insn[i], 1);
        s->insn[i] = NULL;
        if (s->cs[i] != 0) {
            csh h = s->cs[i];
            cs_close(&h);
        }
        s->cs[i] = 0;
    }
}

/* The kind of a decoded instruction, or -1 when it is not one to trap. */
static int site_kind(const cs_insn *in)
{
    switch (in->id) {
    case X86_INS_RDMSR:
        return X86_SITE_RDMSR;
    case X86_INS_WRMSR:
        return X86_SITE_WRMSR;
    case X86_INS_MOV: {
        const cs_x86 *x = &in->detail->x86;
        for (uint8_t i = 0; i < x->op_count; i++)
            if (x->operands[i].type == X86_OP_REG && x->operands[i].reg == X86_REG_CR8)
                return X86_SITE_CR8;
        return -1;
    }
    default:
        return -1;
    }
}

size_t x86_scan_traps(void *ctx, const uint8_t *code, size_t len, uint64_t addr,
                      struct insn_site *sites, size_t max)
{
    struct x86_scanner *s = ctx;
    unsigned m = mode_index(s->bits);
    csh h = s->cs[m];
    cs_insn *in = s->insn[m];
    const uint8_t *p = code;
    size_t left = len;
    uint64_t at = addr;
    size_t found = 0;
    while (left > 0) {
        uint64_t here = at;
        if (!cs_disasm_iter(h, &p, &left, &at, in))
            break;
        int kind = site_kind(in);
        if (kind < 0)
            continue;
        if (found < max)
            sites[found] = (struct insn_site){here, (uint8_t)in->size, (uint8_t)kind};
        found++;
    }
    return found;
}
