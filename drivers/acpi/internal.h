/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the files of the ACPI layer share with each other and nobody else.
 * Consumers include acpi.h only.
 */
#ifndef DRIVERS_ACPI_INTERNAL_H
#define DRIVERS_ACPI_INTERNAL_H

#include "acpi.h"

#include <kernel/unaligned.h>

/* acpi_sleep_forget - drop what acpi_sleep_init remembered (tables.c calls
 * it whenever the registry is reset, so power off never uses stale data). */
void acpi_sleep_forget(void);

/* acpi_sleep_summary - one phrase for the init summary line. */
const char *acpi_sleep_summary(void);

/* acpi_byte_sum - the 8-bit sum ACPI checksums are made so as to zero. */
static inline uint8_t acpi_byte_sum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + b[i]);
	return sum;
}

STATIC_ASSERT(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	      "ACPI fields are little-endian and read as host integers");

#endif /* DRIVERS_ACPI_INTERNAL_H */
