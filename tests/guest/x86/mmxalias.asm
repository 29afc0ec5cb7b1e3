; QEMU-DIFFERS: QEMU's TCG (7.2) leaves bits 79-64 of the x87 register
; alone when an MMX instruction writes MMn; SDM Vol 1 §9.5.1: "bits 64
; through 79 of the corresponding floating-point register are set to all
; 1s".
;
; MMX writes as seen by the x87 side.
%include "lib.inc"
TEST_NAME "mmxalias"

test_main:
    mov eax, cr0
    and eax, ~0x0c
    or eax, 0x22
    mov cr0, eax
    mov eax, cr4
    or eax, 0x200
    mov cr4, eax
    fninit
    mov eax, 0x12345678
    movd mm3, eax
    fxsave [fx_area]
    movzx eax, word [fx_area + 32 + 3 * 16 + 8]
    CHECK "movd to mm3 sets its exponent to ffff", eax, 0xffff
    pxor mm5, mm5
    fxsave [fx_area]
    movzx eax, word [fx_area + 32 + 5 * 16 + 8]
    CHECK "pxor mm5 sets its exponent to ffff", eax, 0xffff
    ; The x87 view of mm3: -NaN with that mantissa (tag special, 10).
    fnstenv [env]
    mov eax, [env + 8]
    shr eax, 6
    and eax, 3
    CHECK "fnstenv: mm3's tag is special", eax, 2
    emms
    ret

section .data
env: times 28 db 0
section .bss
alignb 16
fx_area: resb 512
