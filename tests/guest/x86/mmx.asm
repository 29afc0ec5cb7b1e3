; MMX (SDM Vol 1 ch. 9, Vol 2 per instruction): packed arithmetic with
; wrap and saturation, packs, unpacks, shifts, compares, PMADDWD, and the
; x87 aliasing (Vol 1 §9.5): an MMX instruction sets TOP to 0 and every
; tag valid (the exponent bits: mmxalias.asm), EMMS empties every tag; CR0.EM makes MMX #UD, CR0.TS #NM.
%include "lib.inc"
TEST_NAME "mmx"

; CHECK_MM name, mm, expected low dword, expected high dword
%macro CHECK_MM 4
    movq [qbuf], %2
    CHECK {%1, " (low)"}, dword [qbuf], %3
    CHECK {%1, " (high)"}, dword [qbuf + 4], %4
%endmacro
%macro MM_OP 5                      ; name, insn, source, low, high
    movq mm2, [q_a]
    %2 mm2, %3
    CHECK_MM %1, mm2, %4, %5
%endmacro

test_main:
    mov eax, cr0
    and eax, ~0x0c
    or eax, 0x22
    mov cr0, eax
    fninit
    movq mm1, [q_b]
    MM_OP "paddb wraps", paddb, mm1, 0x81800200, 0x7f008001
    MM_OP "paddusb saturates", paddusb, mm1, 0x818002ff, 0x7fff8001
    MM_OP "psubusb saturates at 0", psubusb, mm1, 0x7f7e00fe, 0x7ffe8000
    MM_OP "paddsw saturates", paddsw, mm1, 0x81800300, 0x7fff8001
    MM_OP "psubw wraps", psubw, mm1, 0x7f7e00fe, 0x7ffe7fff
    MM_OP "pmullw", pmullw, mm1, 0xff7f00ff, 0x7fff8000
    MM_OP "pmulhw", pmulhw, mm1, 0xff7f0002, 0xffff
    MM_OP "pmaddwd", pmaddwd, mm1, 0xff82007e, 0xffffffff
    MM_OP "pcmpgtb signed", pcmpgtb, mm1, 0x00ff0000, 0xff000000
    MM_OP "pcmpeqw", pcmpeqw, [q_a], 0xffffffff, 0xffffffff
    MM_OP "packsswb", packsswb, mm1, 0x7f80807f, 0x01017f7f
    MM_OP "packuswb", packuswb, mm1, 0xff0000ff, 0x0101ffff
    MM_OP "punpcklbw", punpcklbw, mm1, 0x010101ff, 0x0180017f
    MM_OP "punpckhwd", punpckhwd, mm1, 0x00018000, 0x00017fff
    MM_OP "psllw 4", psllw, 4, 0x07f01ff0, 0xfff00000
    MM_OP "psrad 8", psrad, 8, 0xff807f01, 0x007fff80
    MM_OP "psrlq 36", psrlq, 36, 0x07fff800, 0
    MM_OP "pand", pand, mm1, 0x00010101, 0x00010000
    MM_OP "pandn", pandn, mm1, 0x01000000, 0x00000001
    mov eax, 0x12345678
    movd mm3, eax
    CHECK_MM "movd zero-extends", mm3, 0x12345678, 0
    movd ebx, mm2
    CHECK "movd mm to reg", ebx, 0x01000000

    ; Aliasing: TOP = 0, all tags valid, exponent bits all ones.
    fxsave [fx_area]
    mov eax, [fx_area]
    shr eax, 16 + 11
    and eax, 7
    CHECK "MMX sets TOP to 0", eax, 0
    movzx eax, byte [fx_area + 4]
    CHECK "MMX marks every tag valid", eax, 0xff
    CHECK "mm3 is the mantissa of ST3", dword [fx_area + 32 + 3 * 16], 0x12345678
    emms
    fxsave [fx_area]
    movzx eax, byte [fx_area + 4]
    CHECK "emms empties every tag", eax, 0
    fnstenv [env]
    movzx eax, word [env + 8]
    CHECK "emms: fnstenv tag word all empty", eax, 0xffff
    ; x87 load after EMMS works normally, and MMX sees its mantissa.
    fld1
    fstp st0
    fld qword [d_val]
    fstp st0
    movq [qbuf], mm7                ; ST0 when TOP was 7 is physical 7
    CHECK "x87 writes show through mm7", dword [qbuf + 4], 0x80000000
    emms

    ; CR0.EM: #UD; CR0.TS: #NM.
    mov eax, cr0
    or eax, 4
    mov cr0, eax
    TRY .em_done
    paddb mm0, mm1
.em_done:
    CHECK "CR0.EM: MMX raises #UD", dword [fault_vec], 6
    mov eax, cr0
    and eax, ~4
    or eax, 8
    mov cr0, eax
    TRY .ts_done
    paddb mm0, mm1
.ts_done:
    CHECK "CR0.TS: MMX raises #NM", dword [fault_vec], 7
    clts
    emms
    ret

section .data
align 16
q_a: dd 0x807f01ff, 0x7fff8000
q_b: dd 0x01010101, 0x00010001
d_val: dq 1.0
qbuf: dq 0
env: times 28 db 0
section .bss
alignb 16
fx_area: resb 512
