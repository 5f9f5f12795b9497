# SPDX-License-Identifier: BSD-2-Clause
# The one-shot deadline timer's portable half (clockevent.c) and the boot
# selftests of interrupts, timers, the scheduler and context switches, for
# the kernels; the hosted shim implements the timer contract itself.
if(NOT CONFIG_ARCH STREQUAL "hosted")
  # Context switches and FP state need only the arch contract.
  list(APPEND cairn_driver_sources timer/selftest_context.c)
  # The timer driver feeds the timer queue (src/sched/timer.c): CONFIG_SCHED.
  if(CONFIG_SCHED)
    list(APPEND cairn_driver_sources timer/clockevent.c timer/selftest_timer.c
         timer/selftest_sched.c)
  endif()
endif()
