# SPDX-License-Identifier: BSD-2-Clause
# The device model (src/dev): building a tree through the front-end API,
# queries, and binding drivers by compatible (with the PL011 driver on a
# fake register page).
cairn_unit_test(dev tree)
cairn_unit_test(dev bind)
target_include_directories(test_dev_bind PRIVATE "${CAIRN_SRC}/drivers")
