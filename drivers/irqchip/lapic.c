// SPDX-License-Identifier: BSD-2-Clause
/*
 * The local APIC (see lapic.h): enabling it, EOI, LVT masking and the
 * timer's two one-shot modes. Every register access goes through the
 * arch's struct lapic_regs, so the same code drives xAPIC and x2APIC and
 * runs in the hosted tests against a fake.
 *
 * Context: boot CPU during init for lapic_init; the rest with interrupts
 * disabled (they are called from the irqchip ops and the timer).
 */
#include "lapic.h"

#include "../acpi/acpi.h"

static inline uint32_t rd(struct lapic *l, unsigned reg)
{
	return l->regs.read(l->regs.ctx, reg);
}

static inline void wr(struct lapic *l, unsigned reg, uint32_t v)
{
	l->regs.write(l->regs.ctx, reg, v);
}

static uint32_t lint_lvt(const struct acpi_madt *madt, unsigned lint)
{
	if (!madt)
		return LAPIC_LVT_MASKED;
	for (size_t i = 0; i < madt->nlocal_nmis; i++) {
		const struct acpi_madt_nmi *n = &madt->local_nmi[i];

		/* One CPU: an entry for "all processors" or for any one is ours. */
		if (n->lint != lint)
			continue;
		/* NMIs are edge triggered whatever the flags say (SDM 11.5.1). */
		return LAPIC_LVT_NMI | (n->polarity == ACPI_POLARITY_LOW ? LAPIC_LVT_ACTIVE_LOW : 0);
	}
	return LAPIC_LVT_MASKED;
}

void lapic_init(struct lapic *l, const struct lapic_regs *regs, const struct acpi_madt *madt,
		uint8_t spurious_vector, uint8_t error_vector)
{
	uint32_t ver;

	l->regs = *regs;
	l->id = rd(l, LAPIC_ID);
	if (!regs->x2apic)
		l->id >>= 24;
	ver = rd(l, LAPIC_VERSION);
	l->version = (uint8_t)ver;
	l->max_lvt = (uint8_t)(ver >> 16);
	l->spurious_vector = spurious_vector;

	wr(l, LAPIC_SVR, LAPIC_SVR_ENABLE | spurious_vector);
	wr(l, LAPIC_TPR, 0);
	l->lvt_timer = LAPIC_LVT_MASKED;
	wr(l, LAPIC_LVT_TIMER, l->lvt_timer);
	wr(l, LAPIC_TIMER_INITIAL, 0);
	wr(l, LAPIC_LVT_LINT0, lint_lvt(madt, 0));
	wr(l, LAPIC_LVT_LINT1, lint_lvt(madt, 1));
	wr(l, LAPIC_LVT_ERROR, error_vector);
	/* ESR is latched by a write; two writes clear what was recorded. */
	wr(l, LAPIC_ESR, 0);
	wr(l, LAPIC_ESR, 0);
	lapic_eoi(l); /* drop anything firmware left in service */
}

void lapic_eoi(struct lapic *l)
{
	wr(l, LAPIC_EOI, 0);
}

void lapic_timer_oneshot(struct lapic *l, uint8_t vector, uint32_t count)
{
	uint32_t lvt = LAPIC_TIMER_ONESHOT | vector | (l->lvt_timer & LAPIC_LVT_MASKED);

	if (lvt != l->lvt_timer) {
		wr(l, LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_1);
		wr(l, LAPIC_LVT_TIMER, lvt);
		l->lvt_timer = lvt;
	}
	/* Writing the initial count (re)starts the count down; 0 stops it. */
	wr(l, LAPIC_TIMER_INITIAL, count);
}

void lapic_timer_tsc_deadline(struct lapic *l, uint8_t vector)
{
	l->lvt_timer = LAPIC_TIMER_TSC_DEADLINE | vector | (l->lvt_timer & LAPIC_LVT_MASKED);
	wr(l, LAPIC_LVT_TIMER, l->lvt_timer);
}

void lapic_timer_mask(struct lapic *l, bool masked)
{
	l->lvt_timer = masked ? (l->lvt_timer | LAPIC_LVT_MASKED) : (l->lvt_timer & ~LAPIC_LVT_MASKED);
	wr(l, LAPIC_LVT_TIMER, l->lvt_timer);
}

uint32_t lapic_timer_current(struct lapic *l)
{
	return rd(l, LAPIC_TIMER_CURRENT);
}

void lapic_lvt_mask(struct lapic *l, unsigned reg, bool masked)
{
	uint32_t v;

	if (reg == LAPIC_LVT_TIMER) {
		lapic_timer_mask(l, masked);
		return;
	}
	v = rd(l, reg);
	wr(l, reg, masked ? (v | LAPIC_LVT_MASKED) : (v & ~LAPIC_LVT_MASKED));
}

uint32_t lapic_error_status(struct lapic *l)
{
	wr(l, LAPIC_ESR, 0);
	return rd(l, LAPIC_ESR);
}
