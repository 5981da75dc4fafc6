/* The process exit statuses of the softkvm command (documented in README.md). */
#ifndef SOFTKVM_CLI_EXIT_STATUS_H
#define SOFTKVM_CLI_EXIT_STATUS_H

/* 0-255 below 64 and between: the guest's own status from the test device or debug exit. */
#define EXIT_USAGE        64  /* bad command line */
#define EXIT_BAD_KERNEL   65  /* the kernel file is not a usable ELF for softkvm */
#define EXIT_NO_KERNEL    66  /* the kernel file cannot be opened or read */
#define EXIT_INTERNAL     70  /* softkvm or the engine failed */
#define EXIT_HOST_LIMIT   71  /* the host cannot provide what was asked (guest RAM) */
#define EXIT_CANT_CREATE  73  /* an output file (--trace) cannot be created */
#define EXIT_IO_ERROR     74  /* the trace or the console could not be written: output was lost */
#define EXIT_GUEST_CRASH  80  /* the guest crashed: triple fault, access to nothing, ... */
#define EXIT_GUEST_HALTED 81  /* every vCPU halted with nothing that can wake it */
#define EXIT_KILLED       82  /* the debugger killed the guest (gdb kill) */
#define EXIT_TIMEOUT      124 /* --timeout reached with the guest still running (as timeout(1)) */
#define EXIT_SIGNALLED    128 /* + the signal: stopped by SIGINT (130) or SIGTERM (143) */

#endif
