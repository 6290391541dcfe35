# weir_add_module(<name> SOURCES ... DEPS ...)
#
# Declares the static library weir_<name> for the module folder src/weir/<name>.
# DEPS are the weir modules (without the weir_ prefix) and external targets it uses;
# they must be lower layers (DESIGN.md section 2), which is checked here so that a
# dependency pointing upward fails at configure time rather than in review.
set(WEIR_LAYER_ORDER common types expr functions sql plan exec state stream connectors formats
    log api server)
set_property(GLOBAL PROPERTY WEIR_MODULES "")

function(weir_layer_rank module out)
  list(FIND WEIR_LAYER_ORDER ${module} idx)
  # Layers that share a rank in DESIGN.md (exec/state, connectors/formats/log,
  # api/server) are ranked by their first member. expr and functions do not share
  # one: functions implements the kernel interface that expr defines.
  if(module STREQUAL "state")
    list(FIND WEIR_LAYER_ORDER exec idx)
  elseif(module STREQUAL "formats" OR module STREQUAL "log")
    list(FIND WEIR_LAYER_ORDER connectors idx)
  elseif(module STREQUAL "server")
    list(FIND WEIR_LAYER_ORDER api idx)
  endif()
  set(${out} ${idx} PARENT_SCOPE)
endfunction()

function(weir_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;EXTERNAL" ${ARGN})
  add_library(weir_${name} STATIC ${ARG_SOURCES})
  target_include_directories(weir_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src
                                                 ${PROJECT_SOURCE_DIR}/include)
  weir_layer_rank(${name} my_rank)
  foreach(dep IN LISTS ARG_DEPS)
    weir_layer_rank(${dep} dep_rank)
    if(dep_rank EQUAL -1)
      message(FATAL_ERROR "weir_${name}: unknown weir module '${dep}'")
    endif()
    # Modules of one rank may use each other only as DESIGN.md allows: connectors ->
    # formats, and connectors -> log (the log source and sink); exec -> state (the
    # stateful physical operators in exec keep their state through the StateStore
    # interface). Otherwise dependencies point down.
    if(NOT dep_rank LESS my_rank
       AND NOT (name STREQUAL "connectors" AND (dep STREQUAL "formats" OR dep STREQUAL "log"))
       AND NOT (name STREQUAL "exec" AND dep STREQUAL "state"))
      message(FATAL_ERROR "weir_${name} may not depend on weir_${dep}: dependencies point down")
    endif()
    target_link_libraries(weir_${name} PUBLIC weir_${dep})
  endforeach()
  if(ARG_EXTERNAL)
    target_link_libraries(weir_${name} PUBLIC ${ARG_EXTERNAL})
  endif()
  set_property(GLOBAL APPEND PROPERTY WEIR_MODULES weir_${name})
endfunction()

# weir_add_test(<module> <name> [LIBS ...] [LABELS ...])
#
# Builds tests/unit/<module>/<name>.cc into one binary per module test file and
# registers its cases with CTest.
function(weir_add_test module name)
  cmake_parse_arguments(ARG "" "" "LIBS;LABELS" ${ARGN})
  set(target ${module}_${name})
  add_executable(${target} ${name}.cc)
  target_link_libraries(${target} PRIVATE weir_${module} ${ARG_LIBS} GTest::gtest
                                          GTest::gtest_main GTest::gmock)
  set(labels unit ${ARG_LABELS})
  gtest_discover_tests(${target} TEST_PREFIX "${target}." DISCOVERY_TIMEOUT 30)
  # The labels go on once the tests are discovered: passed through
  # gtest_discover_tests' PROPERTIES, a list loses its separators on the way ("LABELS
  # unit slow" keeps only "unit").
  set(labels_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake")
  file(WRITE "${labels_file}"
       "if(DEFINED ${target}_TESTS)\n"
       "  set_tests_properties(\${${target}_TESTS} PROPERTIES LABELS \"${labels}\")\n"
       "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${labels_file}")
endfunction()
