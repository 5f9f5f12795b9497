/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The portable kernel's entry and the boot sequence it runs (see
 * docs/architecture.md, "Boot flow").
 */
#ifndef KERNEL_KMAIN_H
#define KERNEL_KMAIN_H

#include <kernel/boot_info.h>

/*
 * kernel_main - called once by the arch entry code, on the boot CPU with
 * interrupts disabled, after the arch has set up its exception vectors, its
 * early console and its clock, and parsed its loader's data into `bi`.
 * Runs the init steps, starts the application and stops the machine when it
 * returns. `bi` must stay valid for the kernel's lifetime.
 */
noreturn void kernel_main(struct boot_info *bi);

/* boot_info_get - the boot_info kernel_main was given (NULL before). */
const struct boot_info *boot_info_get(void);

/*
 * app_run - mint the manifest's grants, call the application's cairn_main
 * and return its status. Panics if a grant cannot be minted (the manifest
 * was validated at build time, so that is a kernel bug).
 */
int app_run(void);

#endif /* KERNEL_KMAIN_H */
