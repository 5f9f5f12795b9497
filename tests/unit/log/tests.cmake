cairn_unit_test(log ring)
