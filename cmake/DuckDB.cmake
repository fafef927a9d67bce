# Provides the imported target DuckDB::duckdb.
#
# By default DuckDB 1.4.4 is fetched with `npm pack` from the npm registry into
# ${DUCKPART_DUCKDB_CACHE} (ignored by git, reused by later builds), and both
# tarballs are checked against the pinned SHA-512 hashes below before use.
# Set DUCKPART_DUCKDB_INCLUDE_DIR and DUCKPART_DUCKDB_LIBRARY to use a DuckDB
# you already have instead.

set(DUCKPART_DUCKDB_INCLUDE_DIR "" CACHE PATH "Directory holding duckdb.h (skips the npm fetch)")
set(DUCKPART_DUCKDB_LIBRARY "" CACHE FILEPATH "Path to libduckdb.so (skips the npm fetch)")
set(DUCKPART_DUCKDB_CACHE "${PROJECT_SOURCE_DIR}/.cache/duckdb-1.4.4" CACHE PATH
    "Where the fetched DuckDB is kept")

set(_lib_pkg "@duckdb/node-bindings-linux-x64@1.4.4-r.4")
set(_lib_tgz "duckdb-node-bindings-linux-x64-1.4.4-r.4.tgz")
set(_lib_sha512 "8c14cbfd6bdfc312d3a056bfa551df4fa7a532d96d2469dcdf04aec590fd39f325b62b7d614755152dfbbc1150cd7313d59f0e5a3b528cc87eccf2b13b01cb1c")
set(_hdr_pkg "duckdb@1.4.4")
set(_hdr_tgz "duckdb-1.4.4.tgz")
set(_hdr_sha512 "844249e61c9517454b8f776638ba6c5ab411d1bddde1892ab72826ea25178c72430e74aa83f5122b171be6abcdace84560f824b5ac94e9d5c2b603ea7269a9a2")

function(_duckpart_fetch_tgz pkg tgz sha512)
  set(path "${DUCKPART_DUCKDB_CACHE}/${tgz}")
  if(EXISTS "${path}")
    file(SHA512 "${path}" have)
    if(NOT have STREQUAL sha512)
      message(STATUS "DuckDB: cached ${tgz} has the wrong hash, fetching again")
      file(REMOVE "${path}")
    endif()
  endif()
  if(NOT EXISTS "${path}")
    find_program(NPM_EXECUTABLE npm REQUIRED)
    message(STATUS "DuckDB: npm pack ${pkg}")
    execute_process(COMMAND "${NPM_EXECUTABLE}" pack "${pkg}" --silent
                    WORKING_DIRECTORY "${DUCKPART_DUCKDB_CACHE}"
                    RESULT_VARIABLE rc OUTPUT_QUIET)
    if(NOT rc EQUAL 0 OR NOT EXISTS "${path}")
      message(FATAL_ERROR "DuckDB: `npm pack ${pkg}` failed (${rc}); set DUCKPART_DUCKDB_LIBRARY "
                          "and DUCKPART_DUCKDB_INCLUDE_DIR to use your own DuckDB")
    endif()
    file(SHA512 "${path}" have)
    if(NOT have STREQUAL sha512)
      file(REMOVE "${path}")
      message(FATAL_ERROR "DuckDB: integrity check failed for ${tgz}: got ${have}")
    endif()
  endif()
endfunction()

if(DUCKPART_DUCKDB_LIBRARY AND DUCKPART_DUCKDB_INCLUDE_DIR)
  set(_inc "${DUCKPART_DUCKDB_INCLUDE_DIR}")
  set(_lib "${DUCKPART_DUCKDB_LIBRARY}")
else()
  file(MAKE_DIRECTORY "${DUCKPART_DUCKDB_CACHE}")
  set(_inc "${DUCKPART_DUCKDB_CACHE}/include")
  set(_lib "${DUCKPART_DUCKDB_CACHE}/lib/libduckdb.so")
  string(SHA256 _pin "${_lib_sha512}${_hdr_sha512}")
  set(_stamp "${DUCKPART_DUCKDB_CACHE}/.extracted-${_pin}")
  if(NOT EXISTS "${_stamp}" OR NOT EXISTS "${_lib}" OR NOT EXISTS "${_inc}/duckdb.h")
    _duckpart_fetch_tgz("${_lib_pkg}" "${_lib_tgz}" "${_lib_sha512}")
    _duckpart_fetch_tgz("${_hdr_pkg}" "${_hdr_tgz}" "${_hdr_sha512}")
    set(_x "${DUCKPART_DUCKDB_CACHE}/extract")
    file(REMOVE_RECURSE "${_x}")
    file(MAKE_DIRECTORY "${_x}/lib" "${_x}/hdr")
    file(ARCHIVE_EXTRACT INPUT "${DUCKPART_DUCKDB_CACHE}/${_lib_tgz}" DESTINATION "${_x}/lib"
         PATTERNS package/libduckdb.so)
    file(ARCHIVE_EXTRACT INPUT "${DUCKPART_DUCKDB_CACHE}/${_hdr_tgz}" DESTINATION "${_x}/hdr"
         PATTERNS package/src/duckdb/src/include/duckdb.h)
    file(MAKE_DIRECTORY "${DUCKPART_DUCKDB_CACHE}/lib" "${_inc}")
    file(RENAME "${_x}/lib/package/libduckdb.so" "${_lib}")
    file(RENAME "${_x}/hdr/package/src/duckdb/src/include/duckdb.h" "${_inc}/duckdb.h")
    file(REMOVE_RECURSE "${_x}")
    file(TOUCH "${_stamp}")
  endif()
endif()

if(NOT EXISTS "${_inc}/duckdb.h" OR NOT EXISTS "${_lib}")
  message(FATAL_ERROR "DuckDB: no duckdb.h in ${_inc} or no library at ${_lib}")
endif()
add_library(DuckDB::duckdb SHARED IMPORTED GLOBAL)
set_target_properties(DuckDB::duckdb PROPERTIES IMPORTED_LOCATION "${_lib}"
                      INTERFACE_INCLUDE_DIRECTORIES "${_inc}")
get_filename_component(DUCKPART_DUCKDB_LIBDIR "${_lib}" DIRECTORY)
message(STATUS "DuckDB: ${_lib}")
