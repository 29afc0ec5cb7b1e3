; The smallest test: multiboot entry state, COM1 output, the exit port.
%include "lib.inc"
TEST_NAME "hello"

test_main:
    PRINT {"Hello from a multiboot guest", 10}
    ; Multiboot 0.6.96 §3.2: EAX holds the boot loader magic.
    CHECK "multiboot magic in EAX", dword [mb_magic], 0x2BADB002
    ; §3.3: flags bit 0, mem_lower is 639 KiB on a PC
    mov ebx, [mb_info]
    mov eax, [ebx]
    and eax, 1
    CHECK "multiboot info has memory fields", eax, 1
    CHECK "mem_lower", dword [ebx + 4], 639
    ret
