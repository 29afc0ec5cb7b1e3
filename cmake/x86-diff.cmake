# The x86 differential test against QEMU (tests/diff/x86/README.md): the
# program generator, the driver, and the unit-suite hook's path to it.

add_executable(x86-diffgen tests/diff/x86/gen.c tests/diff/x86/gen_int.c tests/diff/x86/gen_fp.c)
add_executable(x86-difftest tests/diff/x86/difftest.c tests/diff/x86/known.c
  tests/diff/common/driver.c tests/diff/common/proc.c)
target_compile_definitions(x86-difftest PRIVATE
  DEFAULT_DOPPEL="$<TARGET_FILE:doppel>"
  DEFAULT_DIFFGEN="$<TARGET_FILE:x86-diffgen>")
add_dependencies(x86-difftest doppel x86-diffgen)

if(TARGET doppel-unit)
  target_compile_definitions(doppel-unit PRIVATE
    DOPPEL_X86_DIFFTEST="$<TARGET_FILE:x86-difftest>")
  add_dependencies(doppel-unit x86-difftest)
endif()
