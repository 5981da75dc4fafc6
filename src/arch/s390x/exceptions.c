/* Program and supervisor-call interruptions delivered through the lowcore, as the CPU does it:
 * interruption code and ILC stored, the old PSW stored (past the instruction or at it, as the
 * condition requires), the new PSW loaded. An invalid or missing new PSW, or a guest that keeps
 * taking program interruptions without getting anywhere, ends the run (status 80). */
#include <inttypes.h>

#include "arch/s390x/s390x.h"
#include "softkvm/trace.h"
#include "softkvm/engine_check.h"

/* Deliveries in a row with the interruption at the program new PSW's own address and nothing
 * else happening in between: the handler cannot run a single instruction. */
#define PGM_STUCK_LIMIT 8
/* Deliveries in a row with no other exit and no device access at all. */
#define PGM_QUIET_LIMIT 100000

static const char *pgm_name(uint16_t code)
{
    switch (code & 0x7F) {
    case 0x01:
        return "operation";
    case 0x02:
        return "privileged-operation";
    case 0x03:
        return "execute";
    case 0x04:
        return "protection";
    case 0x05:
        return "addressing";
    case 0x06:
        return "specification";
    case 0x07:
        return "data";
    case 0x09:
        return "fixed-point-divide";
    case 0x10:
        return "segment-translation";
    case 0x11:
        return "page-translation";
    default:
        return "program";
    }
}

/* Everything that shows the guest got somewhere since the last program interruption. */
static uint64_t progress_marker(const struct vm *vm)
{
    uint64_t m = vm->stats.mmio + vm->stats.pio;
    for (int k = 0; k < EXIT_KIND_COUNT; k++)
        if (k != EXIT_EXCEPTION)
            m += vm->stats.exits[k];
    return m;
}

static int rd_psw(struct vm *vm, gpa_t at, uint64_t *mask, uint64_t *addr)
{
    if (gmem_read_be64(&vm->mem, at, mask) != 0 || gmem_read_be64(&vm->mem, at + 8, addr) != 0)
        return -1;
    return 0;
}

/* Store the interruption and load the new PSW. kind names the class for messages; old_at,
 * new_at and id_at (the ILC halfword, the code halfword after it) are lowcore offsets. Returns
 * false if the run ended instead. */
static bool swap_psw(struct vcpu *v, const char *kind, uint16_t code, unsigned ilen,
                     uint64_t old_addr, unsigned old_at, unsigned new_at, unsigned id_at,
                     uint64_t insn_addr)
{
    struct vm *vm = v->vm;
    s390_ctx_snapshot(vm);
    uint64_t psa = s390_ctx_u64(vm, ((struct s390_vm *)vm->arch_state)->lay.psa);
    uint64_t old_mask = 0;
    ENGINE_OK(vm, uc_reg_read(vm->uc, UC_S390X_REG_PSWM, &old_mask));
    uint64_t new_mask, new_addr;
    if (!gmem_in_range(&vm->mem, psa, LC_SIZE) ||
        gmem_write_be32(&vm->mem, psa + id_at, (uint32_t)ilen << 16 | code) != 0 ||
        gmem_write_be64(&vm->mem, psa + old_at, old_mask) != 0 ||
        gmem_write_be64(&vm->mem, psa + old_at + 8, old_addr) != 0 ||
        rd_psw(vm, psa + new_at, &new_mask, &new_addr) != 0) {
        vm_stop(vm, OUTCOME_GUEST_CRASH, 0,
                "vCPU %u: %s interruption 0x%04x at 0x%" PRIx64 ": the lowcore (prefix 0x%" PRIx64
                ") is outside RAM",
                v->id, kind, code, insn_addr, psa);
        return false;
    }
    if (new_mask == 0 && new_addr == 0) {
        vm_stop(vm, OUTCOME_GUEST_CRASH, 0,
                "vCPU %u: %s interruption 0x%04x (%s) at 0x%" PRIx64
                " and the %s new PSW is zero: no handler installed",
                v->id, kind, code, pgm_name(code), insn_addr, kind);
        return false;
    }
    const char *why = s390_psw_invalid(new_mask, new_addr);
    if (why != NULL) {
        vm_stop(vm, OUTCOME_GUEST_CRASH, 0,
                "vCPU %u: %s interruption 0x%04x (%s) at 0x%" PRIx64
                " and the %s new PSW %016" PRIx64 " %016" PRIx64 " is invalid: %s",
                v->id, kind, code, pgm_name(code), insn_addr, kind, new_mask, new_addr, why);
        return false;
    }
    /* Writing the mask also sets the condition code from it (the engine's PSW load). */
    ENGINE_OK(vm, uc_reg_write(vm->uc, UC_S390X_REG_PSWM, &new_mask));
    v->pc_known = true;
    v->next_pc = new_addr;
    v->exit.kind = EXIT_EXCEPTION;
    vm->stats.exceptions_delivered++;
    if (trace_enabled(vm)) {
        static const char *const keys[] = {"code", "ilc", "old_pc", "new_pc"};
        const uint64_t vals[] = {code, ilen / 2, old_addr, new_addr};
        trace_event(vm, v->id, insn_addr, kind, 4, keys, vals);
    }
    return true;
}

void s390_deliver_program(struct vcpu *v, uint16_t code, unsigned ilen, uint64_t addr)
{
    struct vm *vm = v->vm;
    struct s390_vcpu *sv = v->arch;
    uint64_t mask = 0;
    ENGINE_OK(vm, uc_reg_read(vm->uc, UC_S390X_REG_PSWM, &mask));
    uint64_t old = s390_psw_wrap(mask, s390_pgm_advances(code) ? addr + ilen : addr);

    /* A loop the guest cannot leave: interruptions at the handler's first instruction with
     * nothing in between, or a very long run of interruptions and nothing else. */
    uint64_t marker = progress_marker(vm);
    bool quiet = sv->pgm_quiet > 0 && marker == sv->pgm_progress;
    sv->pgm_quiet = quiet ? sv->pgm_quiet + 1 : 1;
    sv->pgm_stuck = quiet && addr == sv->pgm_new_addr ? sv->pgm_stuck + 1 : 0;
    sv->pgm_progress = marker;
    if (sv->pgm_stuck >= PGM_STUCK_LIMIT || sv->pgm_quiet >= PGM_QUIET_LIMIT) {
        vm_stop(vm, OUTCOME_GUEST_CRASH, 0,
                "vCPU %u: the guest loops taking program interruptions: %s exception (0x%04x) "
                "at 0x%" PRIx64 ", %u in a row %s",
                v->id, pgm_name(code), code, addr,
                sv->pgm_stuck >= PGM_STUCK_LIMIT ? sv->pgm_stuck : sv->pgm_quiet,
                sv->pgm_stuck >= PGM_STUCK_LIMIT ? "at the handler's first instruction"
                                                 : "with nothing else happening");
        return;
    }
    if (swap_psw(v, "program", code, ilen, old, LC_PGM_OLD_PSW, LC_PGM_NEW_PSW, LC_PGM_ILEN, addr))
        sv->pgm_new_addr = v->next_pc;
}

static void deliver_svc(struct vcpu *v, uint16_t code, unsigned ilen, uint64_t addr)
{
    uint64_t mask = 0;
    ENGINE_OK(v->vm, uc_reg_read(v->vm->uc, UC_S390X_REG_PSWM, &mask));
    swap_psw(v, "svc", code, ilen, s390_psw_wrap(mask, addr + ilen), LC_SVC_OLD_PSW, LC_SVC_NEW_PSW,
             LC_SVC_ILEN, addr);
}

void s390_handle_interruption(struct vcpu *v)
{
    struct vm *vm = v->vm;
    const struct s390_ctx_layout *lay = &((struct s390_vm *)vm->arch_state)->lay;
    uint64_t pc = 0;
    ENGINE_OK(vm, uc_reg_read(vm->uc, UC_S390X_REG_PC, &pc));
    v->exit.pc = pc;
    s390_ctx_snapshot(vm);
    switch (v->exit.intno) {
    case S390_EXCP_PGM: {
        uint32_t code = s390_ctx_u32(vm, lay->pgm_code);
        uint32_t ilen = s390_ctx_u32(vm, lay->pgm_ilen);
        s390_deliver_program(v, (uint16_t)code, ilen, pc);
        break;
    }
    case S390_EXCP_FETCH_DEVICE:
        /* Device pages hold registers, not storage: an addressing exception, as for a fetch
         * past RAM (the same ILC the engine reports for that). */
        s390_deliver_program(v, PGM_ADDRESSING, 2, pc);
        break;
    case S390_EXCP_SVC: {
        uint32_t code = s390_ctx_u32(vm, lay->svc_code);
        uint32_t ilen = s390_ctx_u32(vm, lay->svc_ilen);
        deliver_svc(v, (uint16_t)code, ilen, pc);
        break;
    }
    default:
        vm_stop(vm, OUTCOME_HOST_ERROR, 0,
                "vCPU %u: the engine reported interruption class %u at 0x%" PRIx64
                ", which softkvm does not deliver",
                v->id, v->exit.intno, pc);
        break;
    }
}
