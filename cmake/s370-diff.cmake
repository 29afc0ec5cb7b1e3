# The S/370 differential test against Hercules (tests/diff/s370/README.md):
# the program generator, the driver, and the unit-suite hook's path to it.

add_executable(s370-diffgen tests/diff/s370/gen.c)
add_executable(s370-difftest tests/diff/s370/difftest.c tests/diff/s370/known.c
  tests/diff/common/driver.c tests/diff/common/proc.c)
target_compile_definitions(s370-difftest PRIVATE
  DEFAULT_DOPPEL="$<TARGET_FILE:doppel>"
  DEFAULT_DIFFGEN="$<TARGET_FILE:s370-diffgen>"
  DEFAULT_MKDECK="$<TARGET_FILE:s370-mkdeck>")
add_dependencies(s370-difftest doppel s370-diffgen s370-mkdeck)

if(TARGET doppel-unit)
  target_compile_definitions(doppel-unit PRIVATE
    DOPPEL_S370_DIFFTEST="$<TARGET_FILE:s370-difftest>")
  add_dependencies(doppel-unit s370-difftest)
endif()
