cairn_unit_test(panic record)
