// SPDX-License-Identifier: BSD-2-Clause
/*
 * TSC calibration against the 8254 PIT.
 *
 * PIT channel 2 counts down from a programmed value at 1.193182 MHz; its
 * output goes high when it reaches zero, readable in bit 5 of port 0x61,
 * with the gate controlled by bit 0 of the same port. Counting TSC cycles
 * across CONFIG_X86_PIT_CALIBRATION_US microseconds of PIT time gives the
 * TSC frequency to a fraction of a percent (2 ms: 2386 PIT ticks, +/- 1
 * tick = 0.04%). The result is logged by x86_64_start.
 *
 * The clock's origin is the kernel's first instruction (the TSC read in
 * entry.S): arch_clock_ns() is time since kernel entry, so log timestamps
 * show the kernel's own share of boot. arch_boot_entry_ns() scales that
 * same TSC value, which on QEMU (TSC reset to 0 with the machine) is the
 * time firmware and loader took before the kernel ran.
 *
 * If the PIT never signals (no PIT: some virtual machines), a fixed guess
 * of 1 GHz keeps time monotonic and the log says the clock is uncalibrated.
 */
#include <kernel/log.h>

#include <arch/x86.h>

#include "tsc.h"

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61
#define PIT_GATE_ON 0x01
#define PIT_SPEAKER 0x02
#define PIT_OUT2 0x20

struct tsc_clock tsc_clock;
static bool calibrated;

static void set_hz(uint64_t hz)
{
	tsc_clock.hz = hz;
	tsc_clock.mult = (uint64_t)((1000000000ull << 32) / hz);
}

void x86_tsc_calibrate(uint64_t entry_tsc)
{
	uint32_t ticks = (uint32_t)((uint64_t)PIT_HZ * CONFIG_X86_PIT_CALIBRATION_US / 1000000u);
	uint64_t t0, t1, spins = 0;
	uint8_t gate;

	tsc_clock.entry = entry_tsc;

	/* Gate off, speaker off; channel 2, lobyte/hibyte, mode 0, binary. */
	gate = (uint8_t)((inb(PIT_GATE) & ~(PIT_SPEAKER | PIT_GATE_ON)));
	outb(PIT_GATE, gate);
	outb(PIT_CMD, 0xb0);
	outb(PIT_CH2, (uint8_t)ticks);
	outb(PIT_CH2, (uint8_t)(ticks >> 8));
	/* Gate on starts the count. */
	outb(PIT_GATE, gate | PIT_GATE_ON);
	t0 = rdtsc();
	while (!(inb(PIT_GATE) & PIT_OUT2)) {
		if (++spins > 100000000ull)
			break;
	}
	t1 = rdtsc();
	outb(PIT_GATE, gate);

	calibrated = spins <= 100000000ull && t1 > t0;
	set_hz(calibrated ? (t1 - t0) * 1000000u / CONFIG_X86_PIT_CALIBRATION_US
			  : 1000000000ull);
	tsc_clock.origin = entry_tsc;
}

void x86_tsc_log(void)
{
	if (calibrated)
		LOG_INFO("clock: TSC %llu.%03llu MHz, calibrated against the PIT over %d us",
			 (unsigned long long)(tsc_clock.hz / 1000000),
			 (unsigned long long)(tsc_clock.hz / 1000 % 1000),
			 CONFIG_X86_PIT_CALIBRATION_US);
	else
		LOG_WARN("clock: PIT did not respond; TSC assumed 1 GHz (uncalibrated)");
}
