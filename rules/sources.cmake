# The rule data files, embedded into the binary as a fallback (see rule_files.h).
set(SOCKFILTER_RULE_FILES
  ${CMAKE_CURRENT_LIST_DIR}/causes.toml
  ${CMAKE_CURRENT_LIST_DIR}/dotnet.toml
  ${CMAKE_CURRENT_LIST_DIR}/errno.toml
  ${CMAKE_CURRENT_LIST_DIR}/go.toml
  ${CMAKE_CURRENT_LIST_DIR}/haproxy.toml
  ${CMAKE_CURRENT_LIST_DIR}/jvm.toml
  ${CMAKE_CURRENT_LIST_DIR}/kernel.toml
  ${CMAKE_CURRENT_LIST_DIR}/multiline.toml
  ${CMAKE_CURRENT_LIST_DIR}/mysql.toml
  ${CMAKE_CURRENT_LIST_DIR}/nginx.toml
  ${CMAKE_CURRENT_LIST_DIR}/node.toml
  ${CMAKE_CURRENT_LIST_DIR}/peers.toml
  ${CMAKE_CURRENT_LIST_DIR}/postgresql.toml
  ${CMAKE_CURRENT_LIST_DIR}/python.toml
  ${CMAKE_CURRENT_LIST_DIR}/redis.toml
  ${CMAKE_CURRENT_LIST_DIR}/windows.toml
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
  ${CMAKE_CURRENT_LIST_DIR}/classifier.cc
  ${CMAKE_CURRENT_LIST_DIR}/line_outcomes.cc
  ${CMAKE_CURRENT_LIST_DIR}/literal_gate.cc
  ${CMAKE_CURRENT_LIST_DIR}/literal_rule.cc
  ${CMAKE_CURRENT_LIST_DIR}/literal_sieve.cc
  ${CMAKE_CURRENT_LIST_DIR}/match_memo.cc
  ${CMAKE_CURRENT_LIST_DIR}/multiline_rules.cc
  ${CMAKE_CURRENT_LIST_DIR}/peer_rules.cc
  ${CMAKE_CURRENT_LIST_DIR}/rule_files.cc
  ${CMAKE_CURRENT_LIST_DIR}/rule_loader.cc
  ${embedded}
)
