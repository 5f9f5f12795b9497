cairn_unit_test(uart ns16550)
