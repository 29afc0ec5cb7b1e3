# x86 guest test programs (tests/guest/x86/*.asm): NASM objects linked at
# 1 MiB with tests/guest/x86/link.ld into multiboot ELF images,
# ${X86_GUEST_DIR}/<name>.elf, run with -M pc -kernel by the x86_guest unit
# suite (tests/unit/test_x86_guest.c).
#
# Sets X86_GUEST_DIR and X86_GUESTS_BUILT; the target x86-guests builds them.

set(X86_GUEST_DIR ${CMAKE_BINARY_DIR}/guest/x86)
set(X86_GUEST_SRC ${CMAKE_SOURCE_DIR}/tests/guest/x86)
file(MAKE_DIRECTORY ${X86_GUEST_DIR})

find_program(X86_NASM nasm)
find_program(X86_LD NAMES ld ld.bfd)
if(NOT X86_NASM OR NOT X86_LD)
  message(WARNING "nasm or ld not found: x86 guest programs are not built "
                  "(apt-get install nasm binutils)")
  set(X86_GUESTS_BUILT OFF)
  return()
endif()
set(X86_GUESTS_BUILT ON)

file(GLOB X86_GUEST_TESTS CONFIGURE_DEPENDS ${X86_GUEST_SRC}/*.asm)
set(x86_elfs)
foreach(src ${X86_GUEST_TESTS})
  get_filename_component(name ${src} NAME_WE)
  set(obj ${X86_GUEST_DIR}/${name}.o)
  set(elf ${X86_GUEST_DIR}/${name}.elf)
  add_custom_command(OUTPUT ${obj}
    COMMAND ${X86_NASM} -f elf32 -I${X86_GUEST_SRC}/ -MD ${obj}.d -MT ${obj} -o ${obj} ${src}
    DEPENDS ${src} ${X86_GUEST_SRC}/lib.inc
    DEPFILE ${obj}.d
    COMMENT "nasm ${name}" VERBATIM)
  add_custom_command(OUTPUT ${elf}
    COMMAND ${X86_LD} -m elf_i386 -N --no-warn-rwx-segments -T ${X86_GUEST_SRC}/link.ld -o ${elf} ${obj}
    DEPENDS ${obj} ${X86_GUEST_SRC}/link.ld
    COMMENT "ld ${name}.elf" VERBATIM)
  list(APPEND x86_elfs ${elf})
endforeach()
add_custom_target(x86-guests ALL DEPENDS ${x86_elfs})

# Boot images built whole by nasm -f bin (tests/guest/x86-boot/*.asm):
# ${X86_GUEST_DIR}/<name>.img, booted by SeaBIOS in the pc_boot suite.
file(GLOB X86_BOOT_IMAGES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/guest/x86-boot/*.asm)
set(x86_imgs)
foreach(src ${X86_BOOT_IMAGES})
  get_filename_component(name ${src} NAME_WE)
  set(img ${X86_GUEST_DIR}/${name}.img)
  add_custom_command(OUTPUT ${img}
    COMMAND ${X86_NASM} -f bin -o ${img} ${src}
    DEPENDS ${src}
    COMMENT "nasm ${name}.img" VERBATIM)
  list(APPEND x86_imgs ${img})
endforeach()
add_custom_target(x86-boot-images ALL DEPENDS ${x86_imgs})
add_dependencies(x86-guests x86-boot-images)
