/* Numbers of the KVM paravirtual ABI shared by all architectures (include/uapi/linux/kvm_para.h).
 */
#ifndef SOFTKVM_KVM_ABI_H
#define SOFTKVM_KVM_ABI_H

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

/* s390 DIAGNOSE 0x500 subcodes (r1): the old s390-virtio transport (0-2), virtio-ccw notify
 * (arch/s390/include/uapi/asm/virtio-ccw.h) and QEMU's storage limit. */
#define KVM_S390_VIRTIO_NOTIFY     0
#define KVM_S390_VIRTIO_RESET      1
#define KVM_S390_VIRTIO_SET_STATUS 2
#define KVM_S390_VIRTIO_CCW_NOTIFY 3
#define DIAG500_STORAGE_LIMIT      4

#endif
