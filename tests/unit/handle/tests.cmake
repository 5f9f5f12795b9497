cairn_unit_test(handle table)
