# ctest Install.FindPackageBuildsAndRunsAProgram: cmake --install into WORK_DIR/prefix, then
# configure, build and run tests/install/consumer against it, and ask pkg-config about it.
set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(OUT "${out}" PARENT_SCOPE)
endfunction()

run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(f bin/duckpart lib/libduckpart.a lib/libduckdb.so include/duckdb.h include/duckpart/spec.h
          include/duckpart/version.h lib/cmake/duckpart/duckpartConfig.cmake lib/pkgconfig/duckpart.pc
          share/bash-completion/completions/duckpart)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

run("${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/install/consumer" -B "${WORK_DIR}/consumer"
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
run("${CMAKE_COMMAND}" --build "${WORK_DIR}/consumer")
run("${WORK_DIR}/consumer/consumer")
if(NOT OUT MATCHES "month\\(ts\\), bucket\\(8, user_id\\) \\(2 fields\\) on DuckDB v1\\.4\\.4")
  message(FATAL_ERROR "unexpected output: ${OUT}")
endif()
run("${prefix}/bin/duckpart" --version)
if(NOT OUT MATCHES "DuckDB v1\\.4\\.4")
  message(FATAL_ERROR "the installed binary does not find its DuckDB: ${OUT}")
endif()

find_program(PKG_CONFIG pkg-config)
if(PKG_CONFIG)
  set(ENV{PKG_CONFIG_PATH} "${prefix}/lib/pkgconfig")
  run("${PKG_CONFIG}" --libs --cflags duckpart)
  if(NOT OUT MATCHES "-lduckpart" OR NOT OUT MATCHES "-lduckdb")
    message(FATAL_ERROR "pkg-config duckpart: ${OUT}")
  endif()
endif()
message(STATUS "installed, found and ran: ${OUT}")
