/* The DIAGNOSE call-site scanner: linear decoding of a translated block. */
#include "arch/s390x/diag_sites.h"

#include "arch/s390x/hypercall_abi.h"
#include "arch/s390x/psw.h"

size_t s390_scan_diag(void *ctx, const uint8_t *code, size_t len, uint64_t addr,
                      struct insn_site *sites, size_t max)
{
    size_t found = 0;
    size_t off = 0;
    while (off < len) {
        unsigned ilen = s390_insn_len(code[off]);
        if (ilen > len - off)
            break;
        if (code[off] == S390_DIAG_OPCODE) {
            if (found < max)
                sites[found] = (struct insn_site){addr + off, (uint8_t)ilen, S390_SITE_DIAG};
            found++;
        }
        off += ilen;
    }
    return found;
}
