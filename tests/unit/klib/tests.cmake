cairn_unit_test(klib fmt)
cairn_unit_test(klib error)
# string.c under renamed symbols, so the C library's functions stay out of it.
cairn_unit_test(klib string SOURCES "${CAIRN_SRC}/src/klib/string.c")
set_source_files_properties("${CAIRN_SRC}/tests/unit/klib/test_string.c"
  "${CAIRN_SRC}/src/klib/string.c" TARGET_DIRECTORY test_klib_string PROPERTIES
  COMPILE_OPTIONS "-DKLIB_STRING_UNDER_TEST;-include;${CAIRN_SRC}/tests/unit/klib/string_rename.h;-fno-builtin;$<$<C_COMPILER_ID:GNU>:-fno-tree-loop-distribute-patterns>")
