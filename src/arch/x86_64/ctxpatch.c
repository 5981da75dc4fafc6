/* Hidden CPU state Unicorn's API does not reach (segment caches, CPL, error code), reached through
 * saved contexts at offsets calibrated once per VM on a throwaway engine. */
#include <errno.h>
#include <string.h>

#include "arch/x86_64/x86.h"
#include "softkvm/engine_check.h"

#define HF_CPL_MASK         0x3u
#define HF_INHIBIT_IRQ_MASK (1u << 3)
#define HF_CS32_MASK        (1u << 4)
#define HF_SS32_MASK        (1u << 5)
#define HF_ADDSEG_MASK      (1u << 6)
#define HF_LMA_MASK         (1u << 14)
#define HF_CS64_MASK        (1u << 15)
#define SEG_SIZE            24 /* {u32 selector; u64 base; u32 limit; u32 flags} */
#define SEG_CS              1
#define SEG_SS              2
#define SEG_FS              4
#define DESC_B              (1u << 22)
#define DESC_L              (1u << 21)
/* int error_code; int exception_is_int; u64 exception_next_eip; u64 dr[8]; void *bp[4];
 * int old_exception: checked by calibration, not trusted. */
#define OLD_EXCEPTION_AFTER_ERROR_CODE 112

static const uint64_t fs_marker = 0x5EC0FF5E7DA7A1B5ULL;

struct probe {
    bool stopped;
    uint32_t intno;
};

static void probe_intr(uc_engine *uc, uint32_t intno, void *user)
{
    ((struct probe *)user)->stopped = true;
    ((struct probe *)user)->intno = intno;
    uc_emu_stop(uc);
}

static int find_u64(const uint8_t *blob, size_t len, uint64_t v, size_t from)
{
    for (size_t o = from; o + 8 <= len; o += 4) {
        uint64_t x;
        memcpy(&x, blob + o, 8);
        if (x == v)
            return (int)o;
    }
    return -ENOENT;
}

int x86_ctx_calibrate(struct x86_ctx_layout *lay, char *err, size_t errlen)
{
    uc_engine *uc;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK) {
        snprintf(err, errlen, "Unicorn cannot create an x86-64 engine");
        return -ENOTSUP;
    }
    int rc = -ENOTSUP;
    uc_context *ctx = NULL;
    static const uint8_t code[] = {
        0x66, 0xb8, 0x34, 0x12, /* mov $0x1234, %ax */
        0x8e, 0xd8,             /* mov %ax, %ds: #GP(0x1234), selector beyond the GDT */
        0xcd, 0x80,             /* int $0x80 */
        0xf4,                   /* hlt */
    };
    struct probe pr = {false};
    uc_hook h;
    if (uc_mem_map(uc, 0, 0x10000, UC_PROT_ALL) != UC_ERR_OK ||
        uc_mem_write(uc, 0x1000, code, sizeof(code)) != UC_ERR_OK ||
        uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)probe_intr, &pr, 1, 0) != UC_ERR_OK ||
        uc_context_alloc(uc, &ctx) != UC_ERR_OK)
        goto out;
    uint64_t fsb = fs_marker, rsp = 0x8000;
    uint16_t cs_probe = 0x0033;
    if (uc_reg_write(uc, UC_X86_REG_FS_BASE, &fsb) != UC_ERR_OK)
        goto out;
    if (uc_reg_write(uc, UC_X86_REG_RSP, &rsp) != UC_ERR_OK)
        goto out;
    if (uc_reg_write(uc, UC_X86_REG_CS, &cs_probe) != UC_ERR_OK)
        goto out;
    size_t len = uc_context_size(uc);
    /* The context blob is the CPU state behind a small header; search the whole allocation. */
    if (uc_context_save(uc, ctx) != UC_ERR_OK)
        goto out;
    const uint8_t *blob = (const uint8_t *)ctx;
    int fsoff = find_u64(blob, len, fs_marker, 0);
    if (fsoff < 0)
        goto out;
    lay->segs = (size_t)fsoff - 8 - SEG_FS * SEG_SIZE;
    lay->hflags = lay->segs - 8;
    uint32_t hflags, cs_sel;
    memcpy(&hflags, blob + lay->hflags, 4);
    memcpy(&cs_sel, blob + lay->segs + SEG_CS * SEG_SIZE, 4);
    if (!(hflags & HF_LMA_MASK) || !(hflags & HF_CS64_MASK) || (hflags & HF_CPL_MASK) != 0 ||
        cs_sel != cs_probe)
        goto out;
    if (uc_emu_start(uc, 0x1000, 0, 0, 0) != UC_ERR_OK)
        goto out;
    if (!pr.stopped)
        goto out;
    if (uc_context_save(uc, ctx) != UC_ERR_OK)
        goto out;
    /* error_code lives after the segment caches; RAX also holds 0x1234, so start past them. */
    lay->error_code = 0;
    for (size_t o = lay->segs + 6 * SEG_SIZE; o + 8 <= len; o += 4) {
        uint32_t v, next;
        memcpy(&v, blob + o, 4);
        memcpy(&next, blob + o + 4, 4);
        if (v == 0x1234 && next == 0) {
            if (lay->error_code != 0)
                goto out; /* ambiguous */
            lay->error_code = o;
        }
    }
    if (lay->error_code == 0)
        goto out;
    /* QEMU's "exception in flight", cleared only by its own delivery (which Unicorn skips): it
     * must read #GP now, and a second #GP after clearing it must not become #DF. */
    lay->old_exception = lay->error_code + OLD_EXCEPTION_AFTER_ERROR_CODE;
    int32_t old;
    memcpy(&old, blob + lay->old_exception, 4);
    if (old != 13)
        goto out;
    old = -1;
    memcpy((uint8_t *)ctx + lay->old_exception, &old, 4);
    if (uc_context_restore(uc, ctx) != UC_ERR_OK)
        goto out;
    pr.stopped = false;
    uint64_t rip;
    if (uc_reg_read(uc, UC_X86_REG_RIP, &rip) != UC_ERR_OK)
        goto out;
    if (uc_emu_start(uc, rip, 0, 0, 0) != UC_ERR_OK) /* the same mov again */
        goto out;
    if (!pr.stopped || pr.intno != 13)
        goto out;
    if (uc_reg_read(uc, UC_X86_REG_RIP, &rip) != UC_ERR_OK)
        goto out;
    rip += 2; /* skip the faulting mov */
    pr.stopped = false;
    if (uc_emu_start(uc, rip, 0, 0, 0) != UC_ERR_OK)
        goto out;
    if (uc_context_save(uc, ctx) != UC_ERR_OK)
        goto out;
    uint32_t ec, is_int;
    memcpy(&ec, blob + lay->error_code, 4);
    memcpy(&is_int, blob + lay->error_code + 4, 4);
    if (!pr.stopped || ec != 0 || is_int != 1)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        snprintf(err, errlen,
                 "cannot locate the x86 CPU state inside Unicorn's context "
                 "(is this Unicorn 2.1.4?)");
    if (ctx != NULL)
        uc_context_free(ctx);
    uc_close(uc);
    return rc;
}

static void put_seg(uint8_t *blob, const struct x86_ctx_layout *lay, int seg, uint16_t sel,
                    uint64_t desc)
{
    uint32_t e1 = (uint32_t)desc, e2 = (uint32_t)(desc >> 32);
    uint64_t base = (e1 >> 16) | ((uint64_t)(e2 & 0xff) << 16) | (e2 & 0xff000000u);
    uint32_t limit = (e1 & 0xffff) | (e2 & 0x000f0000u);
    if (e2 & (1u << 23))
        limit = (limit << 12) | 0xfff;
    uint8_t *p = blob + lay->segs + (size_t)seg * SEG_SIZE;
    uint32_t sel32 = sel;
    memcpy(p, &sel32, 4);
    memcpy(p + 8, &base, 8);
    memcpy(p + 16, &limit, 4);
    memcpy(p + 20, &e2, 4);
}

int x86_load_cs_ss(struct vcpu *v, uint16_t cs, uint64_t cs_desc, uint16_t ss, uint64_t ss_desc,
                   unsigned new_cpl)
{
    struct vm *vm = v->vm;
    struct x86_vm *xvm = vm->arch_state;
    struct x86_vcpu *xv = v->arch;
    if (uc_context_save(vm->uc, xv->scratch) != UC_ERR_OK)
        return -ENOTSUP;
    uint8_t *blob = (uint8_t *)xv->scratch;
    const struct x86_ctx_layout *lay = &xvm->layout;
    put_seg(blob, lay, SEG_CS, cs, cs_desc);
    put_seg(blob, lay, SEG_SS, ss, ss_desc);
    uint32_t hf;
    memcpy(&hf, blob + lay->hflags, 4);
    uint32_t cs_e2 = (uint32_t)(cs_desc >> 32), ss_e2 = (uint32_t)(ss_desc >> 32);
    hf &= ~(HF_CPL_MASK | HF_CS32_MASK | HF_SS32_MASK | HF_CS64_MASK | HF_ADDSEG_MASK);
    hf |= new_cpl & 3;
    if ((hf & HF_LMA_MASK) && (cs_e2 & DESC_L)) {
        hf |= HF_CS32_MASK | HF_SS32_MASK | HF_CS64_MASK;
    } else {
        if (cs_e2 & DESC_B)
            hf |= HF_CS32_MASK;
        if (ss_e2 & DESC_B)
            hf |= HF_SS32_MASK;
        if (!(hf & HF_CS32_MASK))
            hf |= HF_ADDSEG_MASK;
    }
    memcpy(blob + lay->hflags, &hf, 4);
    return uc_context_restore(vm->uc, xv->scratch) == UC_ERR_OK ? 0 : -ENOTSUP;
}

void x86_last_exception_info(struct vcpu *v, uint32_t *error_code, bool *is_int)
{
    /* (clears QEMU's exception-in-flight mark: softkvm delivers, so nothing is in flight) */
    struct vm *vm = v->vm;
    struct x86_vm *xvm = vm->arch_state;
    struct x86_vcpu *xv = v->arch;
    *error_code = 0;
    *is_int = false;
    if (uc_context_save(vm->uc, xv->scratch) != UC_ERR_OK)
        return;
    const uint8_t *blob = (const uint8_t *)xv->scratch;
    uint32_t ec, ii;
    memcpy(&ec, blob + xvm->layout.error_code, 4);
    memcpy(&ii, blob + xvm->layout.error_code + 4, 4);
    *error_code = ec;
    *is_int = ii != 0;
    int32_t old;
    memcpy(&old, (const uint8_t *)xv->scratch + xvm->layout.old_exception, 4);
    if (old != -1) {
        old = -1;
        memcpy((uint8_t *)xv->scratch + xvm->layout.old_exception, &old, 4);
        ENGINE_OK(vm, uc_context_restore(vm->uc, xv->scratch));
    }
}

bool x86_irq_shadow(struct vcpu *v)
{
    struct vm *vm = v->vm;
    struct x86_vm *xvm = vm->arch_state;
    struct x86_vcpu *xv = v->arch;
    if (uc_context_save(vm->uc, xv->scratch) != UC_ERR_OK)
        return false;
    uint32_t hf;
    memcpy(&hf, (const uint8_t *)xv->scratch + xvm->layout.hflags, 4);
    return (hf & HF_INHIBIT_IRQ_MASK) != 0;
}
