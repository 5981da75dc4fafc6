/* What the PC's RTC/CMOS device (mc146818rtc) offers other code: the NMI mask bit of port 0x70. */
#ifndef SOFTKVM_RTC_H
#define SOFTKVM_RTC_H

#include "softkvm/types.h"

struct vm;

/* Whether the guest disabled NMIs through bit 7 of port 0x70 (false with no RTC device). The
 * x86 NMI path may consult it; a PC's NMI sources (parity, channel check) are not modelled. */
bool rtc_nmi_disabled(struct vm *vm);

#endif
