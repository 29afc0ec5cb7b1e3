# S/370 and ESA/390 guest programs: the IPL deck maker (a host tool), the
# demo deck (roms/s370) and the guest tests (tests/guest/s370), assembled
# and linked with Debian's s390x cross toolchain at build time.
#
#   <name>.S       S/370 test, IPL PSW in EC mode, run on -M s370
#   <name>_390.S   ESA/390 test, 31-bit IPL PSW, run on -M s390
#   c/<name>.c     C program (gcc -m31 -march=z900) with c/crt0.S and the
#                  c/guest.c library, run on -M s390 as c_<name>
# Each becomes ${S370_GUEST_DIR}/<name>.deck.

add_executable(s370-mkdeck roms/s370/mkdeck.c)

find_program(S390_GCC s390x-linux-gnu-gcc)
find_program(S390_LD s390x-linux-gnu-ld)
find_program(S390_OBJCOPY s390x-linux-gnu-objcopy)
find_program(S390_OBJDUMP s390x-linux-gnu-objdump)
find_program(S390_AS s390x-linux-gnu-as)
set(S370_GUEST_DIR ${CMAKE_BINARY_DIR}/guest/s370)
file(MAKE_DIRECTORY ${S370_GUEST_DIR})

if(NOT S390_GCC OR NOT S390_LD OR NOT S390_OBJCOPY)
  message(WARNING "s390x-linux-gnu-gcc/ld/objcopy not found: S/370 guest programs are not built "
                  "(apt-get install gcc-s390x-linux-gnu binutils-s390x-linux-gnu)")
  set(S370_GUESTS_BUILT OFF)
  return()
endif()
set(S370_GUESTS_BUILT ON)
# The S/370 instruction check in the unit tests disassembles the test objects.
set_property(SOURCE ${CMAKE_SOURCE_DIR}/tests/unit/test_s370_isa.c APPEND PROPERTY
             COMPILE_DEFINITIONS S390_OBJDUMP="${S390_OBJDUMP}" S390_GCC="${S390_GCC}")
# The disassembler's text is checked by assembling it back with gas.
set_property(SOURCE ${CMAKE_SOURCE_DIR}/tests/unit/test_s370_disas.c APPEND PROPERTY
             COMPILE_DEFINITIONS S390_AS="${S390_AS}" S390_OBJCOPY="${S390_OBJCOPY}")

# libgcc for the 31-bit ABI: 64-bit division and the like in C guests.
execute_process(COMMAND ${S390_GCC} -m31 -print-libgcc-file-name
                OUTPUT_VARIABLE S390_LIBGCC OUTPUT_STRIP_TRAILING_WHITESPACE)

set(S370_PSW_370 0008000000000000)
set(S370_PSW_390 0008000080000000)
set(S370_LOAD 400)

# s370_guest_deck(<name> <psw> <sources...>): objects -> ELF at 0x400 -> flat
# binary -> deck.
function(s370_guest_deck name psw)
  set(objs)
  foreach(src ${ARGN})
    get_filename_component(base ${src} NAME_WE)
    set(obj ${S370_GUEST_DIR}/${name}.${base}.o)
    if("${psw}" STREQUAL "S370_PSW_390")
      set(arch_flags -m31 -march=z900 -DESA390=1)
    else()
      # -g and -Wa,-L (line table, local labels) are for the check that S/370
      # tests use only S/370 instructions (tests/unit/test_s370_isa.c); they
      # change nothing in the deck.
      set(arch_flags -m31 -march=z900 -DS370=1 -g -Wa,-L)
    endif()
    add_custom_command(OUTPUT ${obj}
      COMMAND ${S390_GCC} ${arch_flags} -O2 -ffreestanding -fno-pic -fno-stack-protector
              -fno-asynchronous-unwind-tables -fno-reorder-functions -Wa,--noexecstack -I${CMAKE_SOURCE_DIR}/tests/guest/s370
              -MD -MF ${obj}.d -c ${src} -o ${obj}
      DEPENDS ${src} ${CMAKE_SOURCE_DIR}/tests/guest/s370/s370test.h
              ${CMAKE_SOURCE_DIR}/tests/guest/s370/c/guest.h
      DEPFILE ${obj}.d
      COMMENT "s390x-gcc ${name}/${base}" VERBATIM)
    list(APPEND objs ${obj})
  endforeach()
  set(elf ${S370_GUEST_DIR}/${name}.elf)
  set(bin ${S370_GUEST_DIR}/${name}.bin)
  set(deck ${S370_GUEST_DIR}/${name}.deck)
  add_custom_command(OUTPUT ${deck}
    COMMAND ${S390_LD} -m elf_s390 -nostdlib --no-warn-rwx-segments -e _start -Ttext=0x${S370_LOAD} -N ${objs} ${S390_LIBGCC} -o ${elf}
    COMMAND ${S390_OBJCOPY} -O binary ${elf} ${bin}
    COMMAND s370-mkdeck -a ${S370_LOAD} -p ${${psw}} ${bin} ${deck}
    DEPENDS ${objs} s370-mkdeck
    COMMENT "deck ${name}" VERBATIM)
  set_property(GLOBAL APPEND PROPERTY S370_DECKS ${deck})
endfunction()

file(GLOB S370_ASM_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/guest/s370/*.S)
foreach(src ${S370_ASM_TESTS})
  get_filename_component(name ${src} NAME_WE)
  if(name MATCHES "_390$")
    s370_guest_deck(${name} S370_PSW_390 ${src})
  else()
    s370_guest_deck(${name} S370_PSW_370 ${src})
  endif()
endforeach()
file(GLOB S370_C_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/guest/s370/c/*.c)
set(S370_C_LIB ${CMAKE_SOURCE_DIR}/tests/guest/s370/c/guest.c)
list(REMOVE_ITEM S370_C_TESTS ${S370_C_LIB})
foreach(src ${S370_C_TESTS})
  get_filename_component(name ${src} NAME_WE)
  s370_guest_deck(c_${name} S370_PSW_390 ${CMAKE_SOURCE_DIR}/tests/guest/s370/c/crt0.S
                  ${S370_C_LIB} ${src})
endforeach()
s370_guest_deck(s370-demo S370_PSW_370 ${CMAKE_SOURCE_DIR}/roms/s370/demo.S)

get_property(decks GLOBAL PROPERTY S370_DECKS)
add_custom_target(s370-guests ALL DEPENDS ${decks})
