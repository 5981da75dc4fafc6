/* x86 boot on the pc board: multiboot v1 and PVH kernels entered in 32-bit protected mode. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/x86.h"
#include "softkvm/board.h"
#include "softkvm/boot_info.h"
#include "softkvm/multiboot.h"

#define PTE_P    1ULL
#define PTE_W    2ULL
#define PTE_A    0x20ULL
#define PTE_D    0x40ULL
#define PTE_PS   0x80ULL
#define INFO_CAP (64u * 1024)

extern const uint8_t x86_boot32_stub[], x86_boot32_stub_end[];

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* GDT, the stub and its identity map of [0, 2 MiB) (A and D preset: the firmware is not
 * written by the page walk). */
static int write_firmware(struct vm *vm)
{
    static const uint64_t gdt[] = {
        0, 0x00CF9A000000FFFFULL, /* 0x08: flat 32-bit code */
        0x00CF92000000FFFFULL,    /* 0x10: flat 32-bit data */
        0x00AF9A000000FFFFULL,    /* 0x18: 64-bit code */
    };
    struct gmem *m = &vm->mem;
    int rc = 0;
    for (unsigned i = 0; rc == 0 && i < 4; i++)
        rc = gmem_write_le64(m, X86_PC_FW_GDT + 8 * i, gdt[i]);
    size_t stub_len = (size_t)(x86_boot32_stub_end - x86_boot32_stub);
    rc = rc ?: gmem_write(m, X86_PC_FW_STUB, x86_boot32_stub, stub_len);
    rc =
        rc ?: gmem_write_le64(m, X86_PC_FW_PML4, (X86_PC_FW_PML4 + 0x1000) | PTE_P | PTE_W | PTE_A);
    rc = rc
             ?: gmem_write_le64(m, X86_PC_FW_PML4 + 0x1000,
                                (X86_PC_FW_PML4 + 0x2000) | PTE_P | PTE_W | PTE_A);
    rc = rc ?: gmem_write_le64(m, X86_PC_FW_PML4 + 0x2000, PTE_P | PTE_W | PTE_A | PTE_D | PTE_PS);
    return rc;
}

/* The module (initrd) and the boot information, after the kernel and at or above 1 MiB. Returns
 * the information's address in *info, or a negative errno with err filled. */
static int write_boot_info(struct vm *vm, uint64_t *info, char *err, size_t errlen)
{
    const struct vm_config *c = &vm->cfg;
    uint64_t at =
        align_up(vm->image_end > X86_PC_INFO_MIN ? vm->image_end : X86_PC_INFO_MIN, SKVM_PAGE_SIZE);
    struct boot_info_params p = {0};
    struct e820_entry e820[SKVM_MEM_MAP_MAX];
    int n = region_list_e820(&vm->regions, e820, SKVM_MEM_MAP_MAX);
    if (n < 0) {
        snprintf(err, errlen, "the memory map has too many entries");
        return -ENOSPC;
    }
    p.e820 = e820;
    p.ne820 = (unsigned)n;
    if (c->initrd != NULL) {
        if (gmem_write(&vm->mem, at, c->initrd, c->initrd_len) != 0 ||
            at + c->initrd_len > UINT32_MAX) {
            snprintf(err, errlen,
                     "the initrd (%llu bytes) does not fit in guest RAM after the kernel; give "
                     "more RAM with -m",
                     (unsigned long long)c->initrd_len);
            return -ENOSPC;
        }
        p.module_start = (uint32_t)at;
        p.module_end = (uint32_t)(at + c->initrd_len);
        p.module_string = c->initrd_name != NULL ? c->initrd_name : "initrd";
        at = align_up(at + c->initrd_len, SKVM_PAGE_SIZE);
    }
    /* Multiboot's command line starts with the kernel's file name, as QEMU passes it. */
    const char *append = c->cmdline != NULL ? c->cmdline : "";
    const char *name = c->kernel_name != NULL ? c->kernel_name : "kernel";
    size_t clen = strlen(name) + 1 + strlen(append) + 1;
    char *cmdline = malloc(clen);
    uint8_t *buf = malloc(INFO_CAP);
    if (cmdline == NULL || buf == NULL) {
        free(cmdline);
        free(buf);
        snprintf(err, errlen, "out of host memory for the boot information");
        return -ENOMEM;
    }
    if (vm->boot == BOOT_MULTIBOOT)
        snprintf(cmdline, clen, "%s%s%s", name, *append ? " " : "", append);
    else
        snprintf(cmdline, clen, "%s", append);
    p.cmdline = cmdline;
    p.base = (uint32_t)at;
    long used = vm->boot == BOOT_MULTIBOOT ? multiboot_build_info(buf, INFO_CAP, &p)
                                           : pvh_build_start_info(buf, INFO_CAP, &p);
    int rc = used < 0 || at + (uint64_t)used > UINT32_MAX
                 ? -ENOSPC
                 : gmem_write(&vm->mem, at, buf, (uint64_t)used);
    free(cmdline);
    free(buf);
    if (rc != 0) {
        snprintf(err, errlen,
                 "the boot information (command line, memory map) does not fit in guest RAM "
                 "below 4 GiB after the kernel");
        return -ENOSPC;
    }
    *info = at;
    return 0;
}

int x86_boot_pc(struct vm *vm, char *err, size_t errlen)
{
    if (vm->boot == BOOT_NATIVE) {
        snprintf(err, errlen,
                 "the pc board boots multiboot and PVH kernels; a native ELF64 kernel runs on "
                 "the softkvm board");
        return -EINVAL;
    }
    if (vm->ncpus > 1) {
        snprintf(err, errlen, "the pc board runs one vCPU for now: use --smp 1");
        return -EINVAL;
    }
    if (vm->entry > UINT32_MAX) {
        snprintf(err, errlen, "the 32-bit entry point 0x%llx is above 4 GiB",
                 (unsigned long long)vm->entry);
        return -EINVAL;
    }
    /* The PC's virtual wire, as KVM resets the BSP's LVT0 and a BIOS leaves LINT1: the 8259's
     * INTR reaches vCPU 0 through LINT0 in ExtINT mode, NMIs through LINT1. */
    struct lapic *bsp = vcpu_lapic(&vm->vcpus[0]);
    bsp->lvt[LVT_LINT0] = 0x700;
    bsp->lvt[LVT_LINT1] = 0x400;
    uint64_t info = 0;
    int rc = write_firmware(vm);
    if (rc != 0) {
        snprintf(err, errlen, "cannot write softkvm's firmware into the pc board's BIOS area");
        return rc;
    }
    rc = write_boot_info(vm, &info, err, errlen);
    if (rc != 0)
        return rc;
    uc_engine *uc = vm->uc;
    uc_x86_mmr gdtr = {.base = X86_PC_FW_GDT, .limit = 31};
    uc_x86_mmr idtr = {.base = 0, .limit = 0};
    uint64_t rip = X86_PC_FW_STUB, rsp = X86_PC_FW_STACK, rdx = X86_PC_FW_PML4, rbx = info;
    uint64_t rdi = vm->boot == BOOT_MULTIBOOT ? MULTIBOOT_BOOTLOADER_MAGIC : 0;
    uint64_t rsi = vm->entry, rflags = 2;
    uc_err e = uc_reg_write(uc, UC_X86_REG_GDTR, &gdtr);
    if (e == UC_ERR_OK)
        e = uc_reg_write(uc, UC_X86_REG_IDTR, &idtr);
    static const int ids[] = {UC_X86_REG_RIP, UC_X86_REG_RSP, UC_X86_REG_RDX,   UC_X86_REG_RBX,
                              UC_X86_REG_RDI, UC_X86_REG_RSI, UC_X86_REG_RFLAGS};
    void *const vals[] = {&rip, &rsp, &rdx, &rbx, &rdi, &rsi, &rflags};
    if (e == UC_ERR_OK)
        e = uc_reg_write_batch(uc, ids, vals, 7);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "Unicorn refused the pc boot state: %s", uc_strerror(e));
        return -ENOTSUP;
    }
    return 0;
}
