/* The x86-64 registers as gdb numbers them (QEMU's layout), their access, and MMU translation. */
#include <errno.h>
#include <string.h>

#include "arch/x86_64/x86.h"
#include "softkvm/arch.h"

#define CORE "org.gnu.gdb.i386.core"
#define SSE  "org.gnu.gdb.i386.sse"
#define SEGS "org.gnu.gdb.i386.segments"
#define SYS  "org.softkvm.gdb.i386.system"

#define R64(n)                                                                                     \
    {                                                                                              \
        n, 64, "int64", CORE, "general"                                                            \
    }
#define R32(n)                                                                                     \
    {                                                                                              \
        n, 32, "int32", CORE, "general"                                                            \
    }
#define ST(n)                                                                                      \
    {                                                                                              \
        n, 80, "i387_ext", CORE, "float"                                                           \
    }
#define FP32(n)                                                                                    \
    {                                                                                              \
        n, 32, "int", CORE, "float"                                                                \
    }
#define XMM(n)                                                                                     \
    {                                                                                              \
        n, 128, "vec128", SSE, "vector"                                                            \
    }
#define SYS64(n, t)                                                                                \
    {                                                                                              \
        n, 64, t, SYS, "system"                                                                    \
    }

const struct arch_reg x86_gdb_regs[X86_GDB_NREGS] = {
    R64("rax"),
    R64("rbx"),
    R64("rcx"),
    R64("rdx"),
    R64("rsi"),
    R64("rdi"),
    {"rbp", 64, "data_ptr", CORE, "general"},
    {"rsp", 64, "data_ptr", CORE, "general"},
    R64("r8"),
    R64("r9"),
    R64("r10"),
    R64("r11"),
    R64("r12"),
    R64("r13"),
    R64("r14"),
    R64("r15"),
    {"rip", 64, "code_ptr", CORE, "general"},
    {"eflags", 32, "i386_eflags", CORE, "general"},
    R32("cs"),
    R32("ss"),
    R32("ds"),
    R32("es"),
    R32("fs"),
    R32("gs"),
    ST("st0"),
    ST("st1"),
    ST("st2"),
    ST("st3"),
    ST("st4"),
    ST("st5"),
    ST("st6"),
    ST("st7"),
    FP32("fctrl"),
    FP32("fstat"),
    FP32("ftag"),
    FP32("fiseg"),
    FP32("fioff"),
    FP32("foseg"),
    FP32("fooff"),
    FP32("fop"),
    XMM("xmm0"),
    XMM("xmm1"),
    XMM("xmm2"),
    XMM("xmm3"),
    XMM("xmm4"),
    XMM("xmm5"),
    XMM("xmm6"),
    XMM("xmm7"),
    XMM("xmm8"),
    XMM("xmm9"),
    XMM("xmm10"),
    XMM("xmm11"),
    XMM("xmm12"),
    XMM("xmm13"),
    XMM("xmm14"),
    XMM("xmm15"),
    {"mxcsr", 32, "i386_mxcsr", SSE, "vector"},
    {"fs_base", 64, "int", SEGS, "system"},
    {"gs_base", 64, "int", SEGS, "system"},
    SYS64("cr0", "int"),
    SYS64("cr2", "int"),
    SYS64("cr3", "int"),
    SYS64("cr4", "int"),
    SYS64("cr8", "int"),
    SYS64("efer", "int"),
};

_Static_assert(sizeof(x86_gdb_regs) / sizeof(x86_gdb_regs[0]) == X86_GDB_NREGS, "table size");

/* The flag and vector types of gdb's i386 features (bit names are the architecture's). */
static const char eflags_xml[] =
    "<flags id=\"i386_eflags\" size=\"4\"><field name=\"CF\" start=\"0\" end=\"0\"/>"
    "<field name=\"\" start=\"1\" end=\"1\"/><field name=\"PF\" start=\"2\" end=\"2\"/>"
    "<field name=\"AF\" start=\"4\" end=\"4\"/><field name=\"ZF\" start=\"6\" end=\"6\"/>"
    "<field name=\"SF\" start=\"7\" end=\"7\"/><field name=\"TF\" start=\"8\" end=\"8\"/>"
    "<field name=\"IF\" start=\"9\" end=\"9\"/><field name=\"DF\" start=\"10\" end=\"10\"/>"
    "<field name=\"OF\" start=\"11\" end=\"11\"/><field name=\"NT\" start=\"14\" end=\"14\"/>"
    "<field name=\"RF\" start=\"16\" end=\"16\"/><field name=\"VM\" start=\"17\" end=\"17\"/>"
    "<field name=\"AC\" start=\"18\" end=\"18\"/><field name=\"VIF\" start=\"19\" end=\"19\"/>"
    "<field name=\"VIP\" start=\"20\" end=\"20\"/><field name=\"ID\" start=\"21\" end=\"21\"/>"
    "</flags>";

static const char sse_xml[] =
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
    "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
    "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
    "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
    "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
    "<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
    "<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
    "<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
    "<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/>"
    "</union>"
    "<flags id=\"i386_mxcsr\" size=\"4\"><field name=\"IE\" start=\"0\" end=\"0\"/>"
    "<field name=\"DE\" start=\"1\" end=\"1\"/><field name=\"ZE\" start=\"2\" end=\"2\"/>"
    "<field name=\"OE\" start=\"3\" end=\"3\"/><field name=\"UE\" start=\"4\" end=\"4\"/>"
    "<field name=\"PE\" start=\"5\" end=\"5\"/><field name=\"DAZ\" start=\"6\" end=\"6\"/>"
    "<field name=\"IM\" start=\"7\" end=\"7\"/><field name=\"DM\" start=\"8\" end=\"8\"/>"
    "<field name=\"ZM\" start=\"9\" end=\"9\"/><field name=\"OM\" start=\"10\" end=\"10\"/>"
    "<field name=\"UM\" start=\"11\" end=\"11\"/><field name=\"PM\" start=\"12\" end=\"12\"/>"
    "<field name=\"FZ\" start=\"15\" end=\"15\"/></flags>";

const struct arch_tdesc_types x86_gdb_types[] = {
    {CORE, eflags_xml},
    {SSE, sse_xml},
    {NULL, NULL},
};

/* The engine's id of register regno, or -1 for those it has no register for (read as 0), or
 * -2 for EFER (an MSR). */
static int uc_id(unsigned regno)
{
    static const int gpr[] = {
        UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX,    UC_X86_REG_RDX, UC_X86_REG_RSI,
        UC_X86_REG_RDI, UC_X86_REG_RBP, UC_X86_REG_RSP,    UC_X86_REG_R8,  UC_X86_REG_R9,
        UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12,    UC_X86_REG_R13, UC_X86_REG_R14,
        UC_X86_REG_R15, UC_X86_REG_RIP, UC_X86_REG_EFLAGS, UC_X86_REG_CS,  UC_X86_REG_SS,
        UC_X86_REG_DS,  UC_X86_REG_ES,  UC_X86_REG_FS,     UC_X86_REG_GS,
    };
    if (regno < 24)
        return gpr[regno];
    if (regno < 32)
        return UC_X86_REG_FP0 + (int)(regno - 24);
    switch (regno) {
    case 32:
        return UC_X86_REG_FPCW;
    case 33:
        return UC_X86_REG_FPSW;
    case 34:
        return UC_X86_REG_FPTAG;
    case 56:
        return UC_X86_REG_MXCSR;
    case 57:
        return UC_X86_REG_FS_BASE;
    case 58:
        return UC_X86_REG_GS_BASE;
    case 59:
        return UC_X86_REG_CR0;
    case 60:
        return UC_X86_REG_CR2;
    case 61:
        return UC_X86_REG_CR3;
    case 62:
        return UC_X86_REG_CR4;
    case 63:
        return UC_X86_REG_CR8;
    case 64:
        return -2;
    default:
        break;
    }
    if (regno >= 40 && regno < 56)
        return UC_X86_REG_XMM0 + (int)(regno - 40);
    return -1;
}

int x86_reg_read(struct vcpu *v, unsigned regno, uint8_t *buf)
{
    if (regno >= X86_GDB_NREGS)
        return -EINVAL;
    unsigned len = x86_gdb_regs[regno].bits / 8;
    int id = uc_id(regno);
    uint8_t tmp[16] = {0};
    if (id == -2) {
        uc_x86_msr efer = {.rid = 0xC0000080, .value = 0};
        if (uc_reg_read(v->vm->uc, UC_X86_REG_MSR, &efer) != UC_ERR_OK)
            return -EIO;
        memcpy(tmp, &efer.value, 8);
    } else if (id >= 0) {
        if (uc_reg_read(v->vm->uc, id, tmp) != UC_ERR_OK)
            return -EIO;
    }
    memcpy(buf, tmp, len); /* the host and the guest are both little-endian */
    return (int)len;
}

int x86_reg_write(struct vcpu *v, unsigned regno, const uint8_t *buf)
{
    if (regno >= X86_GDB_NREGS)
        return -EINVAL;
    unsigned len = x86_gdb_regs[regno].bits / 8;
    int id = uc_id(regno);
    uint8_t tmp[16] = {0};
    memcpy(tmp, buf, len);
    if (id == -1)
        return 0; /* no engine register (x87 pointers): nothing to set */
    if (id == -2) {
        uc_x86_msr efer = {.rid = 0xC0000080};
        memcpy(&efer.value, tmp, 8);
        return uc_reg_write(v->vm->uc, UC_X86_REG_MSR, &efer) == UC_ERR_OK ? 0 : -EIO;
    }
    if (id == UC_X86_REG_RIP)
        v->pc_known = false; /* an exit handler's pending PC gives way to the debugger's */
    return uc_reg_write(v->vm->uc, id, tmp) == UC_ERR_OK ? 0 : -EIO;
}

int x86_gdb_translate(struct vcpu *v, uint64_t va, uint64_t *pa)
{
    struct x86_mmu mmu;
    x86_read_mmu(v->vm, &mmu);
    gpa_t gpa;
    uint32_t pfec;
    if (x86_translate(&v->vm->mem, &mmu, va, X86_PEEK, false, &gpa, &pfec) != 0)
        return -EFAULT;
    *pa = gpa;
    return 0;
}

const char *x86_arch_exit_name(const struct vcpu *v)
{
    return v->exit.intno == X86_GP ? "pio_denied" : "arch";
}
