cairn_unit_test(cmdline parse)
