# SPDX-License-Identifier: BSD-2-Clause
# The portable kernel core (src/), unit by unit.
cairn_unit_test(core boot_info)
cairn_unit_test(core layout)
