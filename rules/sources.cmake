# The rule data files, embedded into the binary as a fallback (see rule_files.h).
set(SOCKFILTER_RULE_FILES
  ${CMAKE_CURRENT_LIST_DIR}/multiline.toml
)
set(embedded ${CMAKE_BINARY_DIR}/generated/embedded_rules.cc)
string(REPLACE ";" "|" rule_files_arg "${SOCKFILTER_RULE_FILES}")
add_custom_command(
  OUTPUT ${embedded}
  COMMAND ${CMAKE_COMMAND} -DOUTPUT=${embedded} "-DFILES=${rule_files_arg}"
          -P ${CMAKE_SOURCE_DIR}/cmake/EmbedFiles.cmake
  DEPENDS ${SOCKFILTER_RULE_FILES} ${CMAKE_SOURCE_DIR}/cmake/EmbedFiles.cmake
  COMMENT "Embedding rules/*.toml"
  VERBATIM)

target_sources(sockfilter_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/multiline_rules.cc
  ${CMAKE_CURRENT_LIST_DIR}/rule_files.cc
  ${CMAKE_CURRENT_LIST_DIR}/rule_loader.cc
  ${embedded}
)
