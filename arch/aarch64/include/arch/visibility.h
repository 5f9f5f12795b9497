/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Force-included into every AArch64 kernel compilation (toolchain.cmake).
 * The kernel is one static position-independent image: no symbol can be
 * preempted, so every declaration is hidden and the compiler reaches
 * globals PC-relatively (adrp/add) instead of through the GOT. That keeps
 * the code that runs before relocation (entry.S, mmu.c early) correct,
 * and the relocation table small.
 */
#pragma GCC visibility push(hidden)
