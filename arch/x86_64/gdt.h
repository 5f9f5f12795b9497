/* SPDX-License-Identifier: BSD-2-Clause */
/* GDT selectors and interrupt stack table slots. */
#ifndef ARCH_X86_64_GDT_H
#define ARCH_X86_64_GDT_H

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_TSS 0x18

#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3

#ifndef __ASSEMBLER__
#include <kernel/types.h>
/* x86_ist_stack_name - which IST stack rsp lies in, or NULL. */
const char *x86_ist_stack_name(uint64_t rsp);
#endif

#endif /* ARCH_X86_64_GDT_H */
