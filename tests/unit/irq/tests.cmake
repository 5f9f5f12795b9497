# SPDX-License-Identifier: BSD-2-Clause
# Portable interrupt dispatch (src/irq.c) on the hosted fake controller.
cairn_unit_test(irq dispatch)
