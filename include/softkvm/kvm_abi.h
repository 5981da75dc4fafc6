/* The numbers of the KVM paravirtual ABI (Linux's include/uapi/linux/kvm_para.h, the arch
 * kvm_para.h and epapr_hcalls.h), defined once for the hypervisor and the guest SDK
 * (include/guest/.../kvm_para.h includes this). Freestanding: macros only, no types. */
#ifndef SOFTKVM_KVM_ABI_H
#define SOFTKVM_KVM_ABI_H

/* ---- Every architecture ---- */

/* Return codes, written negated into the guest's result register. */
#define KVM_ENOSYS     1000
#define KVM_EFAULT     14
#define KVM_EINVAL     22
#define KVM_E2BIG      7
#define KVM_EPERM      1
#define KVM_EOPNOTSUPP 95

/* Hypercall numbers. */
#define KVM_HC_VAPIC_POLL_IRQ      1
#define KVM_HC_MMU_OP              2
#define KVM_HC_FEATURES            3
#define KVM_HC_PPC_MAP_MAGIC_PAGE  4
#define KVM_HC_KICK_CPU            5
#define KVM_HC_MIPS_GET_CLOCK_FREQ 6
#define KVM_HC_MIPS_EXIT_VM        7
#define KVM_HC_MIPS_CONSOLE_OUTPUT 8
#define KVM_HC_CLOCK_PAIRING       9
#define KVM_HC_SEND_IPI            10
#define KVM_HC_SCHED_YIELD         11
#define KVM_HC_MAP_GPA_RANGE       12

/* ---- x86 ---- */

/* CPUID leaves and the signature in EBX, ECX, EDX of the first ("KVMKVMKVM\0\0\0"). */
#define KVM_CPUID_SIGNATURE 0x40000000u
#define KVM_CPUID_FEATURES  0x40000001u
#define KVM_SIGNATURE_EBX   0x4b4d564bu
#define KVM_SIGNATURE_ECX   0x564b4d56u
#define KVM_SIGNATURE_EDX   0x0000004du

/* KVM_CPUID_FEATURES EAX bit numbers. */
#define KVM_FEATURE_CLOCKSOURCE            0
#define KVM_FEATURE_NOP_IO_DELAY           1
#define KVM_FEATURE_MMU_OP                 2
#define KVM_FEATURE_CLOCKSOURCE2           3
#define KVM_FEATURE_ASYNC_PF               4
#define KVM_FEATURE_STEAL_TIME             5
#define KVM_FEATURE_PV_EOI                 6
#define KVM_FEATURE_PV_UNHALT              7
#define KVM_FEATURE_PV_TLB_FLUSH           9
#define KVM_FEATURE_ASYNC_PF_VMEXIT        10
#define KVM_FEATURE_PV_SEND_IPI            11
#define KVM_FEATURE_POLL_CONTROL           12
#define KVM_FEATURE_PV_SCHED_YIELD         13
#define KVM_FEATURE_ASYNC_PF_INT           14
#define KVM_FEATURE_MSI_EXT_DEST_ID        15
#define KVM_FEATURE_HC_MAP_GPA_RANGE       16
#define KVM_FEATURE_MIGRATION_CONTROL      17
#define KVM_FEATURE_CLOCKSOURCE_STABLE_BIT 24

/* KVM_CPUID_FEATURES EDX hint bits. */
#define KVM_HINTS_REALTIME 0

/* ---- PowerPC (ePAPR and KVM) ---- */

/* Tokens (r11): vendor << 16 | number. */
#define EV_EPAPR_VENDOR_ID 1
#define EV_KVM_VENDOR_ID   42

/* ePAPR hcall numbers. */
#define EV_BYTE_CHANNEL_SEND      1
#define EV_BYTE_CHANNEL_RECEIVE   2
#define EV_BYTE_CHANNEL_POLL      3
#define EV_INT_SET_CONFIG         4
#define EV_IDLE                   16
#define EV_BYTE_CHANNEL_MAX_BYTES 16

/* ePAPR return codes (r3). */
#define EV_SUCCESS       0
#define EV_EPERM         1
#define EV_EINVAL        8
#define EV_UNIMPLEMENTED 12

/* KVM_HC_FEATURES result bit numbers, the magic page's feature bits, MAP_MAGIC_PAGE's r4 flag
 * (the guest does not map the page no-execute) and r0 of a PR-style hypercall ("KVM!"). */
#define KVM_FEATURE_MAGIC_PAGE        1
#define KVM_MAGIC_FEAT_SR             (1u << 0)
#define KVM_MAGIC_FEAT_MAS0_TO_SPRG7  (1u << 1)
#define MAGIC_PAGE_FLAG_NOT_MAPPED_NX 1
#define KVM_SC_MAGIC_R0               0x4b564d21u

/* ---- s390x ---- */

/* DIAGNOSE 0x500 subcodes (r1): the old s390-virtio transport (0-2: specification exception),
 * virtio-ccw notify (r2 schid, r3 queue, r4 cookie: r2 = cookie or -EINVAL) and QEMU's storage
 * limit (r2 = the highest usable absolute address). */
#define KVM_S390_VIRTIO_NOTIFY     0
#define KVM_S390_VIRTIO_RESET      1
#define KVM_S390_VIRTIO_SET_STATUS 2
#define KVM_S390_VIRTIO_CCW_NOTIFY 3
#define DIAG500_STORAGE_LIMIT      4

#endif
