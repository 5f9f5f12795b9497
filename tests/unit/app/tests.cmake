# SPDX-License-Identifier: BSD-2-Clause
# Starting the application (src/app.c): each test links its own manifest
# table and cairn_main() in place of the generated table and an app.
cairn_unit_test(app run)
cairn_unit_test(app refused)
