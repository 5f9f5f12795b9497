# SPDX-License-Identifier: BSD-2-Clause
# The 16550 driver: on the hosted fake port space (line setup, divisor,
# CR before LF, a stuck UART), and bound from the device model onto a fake
# MMIO page (reg-shift, reg-io-width, reg-offset, clock-frequency).
cairn_unit_test(uart ns16550)
cairn_unit_test(uart ns16550_binding)
