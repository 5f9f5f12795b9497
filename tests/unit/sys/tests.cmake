# SPDX-License-Identifier: BSD-2-Clause
# The application API's implementation (src/sys/): handle and argument checks.
cairn_unit_test(sys console)
