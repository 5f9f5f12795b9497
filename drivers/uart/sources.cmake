list(APPEND cairn_driver_sources uart/ns16550.c uart/pl011.c)
