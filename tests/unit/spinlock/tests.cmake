# SPDX-License-Identifier: BSD-2-Clause
# Spinlocks (src/spinlock.c): the lock, its debug checks, and a stress test
# of the locked allocators and handle tables under the hosted scheduler's
# preemption. The kernels' kmalloc (src/mm/kmalloc.c, not otherwise built
# hosted: the shim's kmalloc is the C library's) is compiled in under
# other names so the stress test runs the real slab path.
if(CONFIG_SCHED)
  set(spin_kmalloc "${CAIRN_SRC}/src/mm/kmalloc.c")
  cairn_unit_test(spinlock spinlock SOURCES "${CAIRN_SRC}/tests/unit/sched/sched_fixture.c"
                  "${spin_kmalloc}")
  target_include_directories(test_spinlock_spinlock PRIVATE "${CAIRN_SRC}/tests/unit/sched")
  set_source_files_properties("${spin_kmalloc}" TARGET_DIRECTORY test_spinlock_spinlock
    PROPERTIES COMPILE_DEFINITIONS
    "kmalloc=lk_kmalloc;kzalloc=lk_kzalloc;kcalloc=lk_kcalloc;krealloc=lk_krealloc;kfree=lk_kfree")
endif()
