# SPDX-License-Identifier: BSD-2-Clause
# The FDT front end (drivers/fdt) against device trees compiled by dtc at
# build time from tests/unit/fdt/fixtures/*.dts, and against malformed
# blobs the suite derives from them (with the host's libfdt).

if(CAIRN_HAVE_FDT)
  find_program(CAIRN_DTC dtc REQUIRED)
  set(fixture_dir "${CMAKE_CURRENT_BINARY_DIR}/fdt-fixtures")
  file(GLOB fdt_fixture_sources CONFIGURE_DEPENDS "${CAIRN_SRC}/tests/unit/fdt/fixtures/*.dts")
  set(fdt_fixture_blobs "")
  foreach(dts IN LISTS fdt_fixture_sources)
    get_filename_component(n "${dts}" NAME_WE)
    add_custom_command(OUTPUT "${fixture_dir}/${n}.dtb"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${fixture_dir}"
      COMMAND "${CAIRN_DTC}" -q -I dts -O dtb -o "${fixture_dir}/${n}.dtb" "${dts}"
      DEPENDS "${dts}"
      COMMENT "dtc: ${n}.dtb")
    list(APPEND fdt_fixture_blobs "${fixture_dir}/${n}.dtb")
  endforeach()
  add_custom_target(fdt_fixtures DEPENDS ${fdt_fixture_blobs})

  cairn_unit_test(fdt front_end LIBS fdt)
  add_dependencies(test_fdt_front_end fdt_fixtures)
  target_include_directories(test_fdt_front_end PRIVATE "${CAIRN_SRC}/drivers")
  target_compile_definitions(test_fdt_front_end PRIVATE
    "FDT_FIXTURE_DIR=\"${fixture_dir}\"")
  # The suite counts the libfdt lookups the front end makes (the lookups
  # that rescan the blob per call made boot slow under TCG): the front
  # end's calls to these go through wrappers in test_front_end.c.
  target_link_options(test_fdt_front_end PRIVATE
    "-Wl,--wrap=fdt_getprop,--wrap=fdt_parent_offset,--wrap=fdt_path_offset"
    "-Wl,--wrap=fdt_path_offset_namelen,--wrap=fdt_subnode_offset"
    "-Wl,--wrap=fdt_node_offset_by_phandle")
endif()
