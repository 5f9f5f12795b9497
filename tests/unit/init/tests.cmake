# The init-step runner, with steps registered by the test itself.
cairn_unit_test(init steps)
