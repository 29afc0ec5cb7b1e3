; x87 FPU (SDM Vol 1 ch. 8, Vol 2 for each instruction): exact 80-bit
; results under rounding and precision control (§8.1.5), FPREM/FPREM1
; quotient bits, FXTRACT, FSCALE, FCOM/FUCOM/FCOMI/FUCOMI flags, stack
; masked responses (real and
; integer indefinite), an unmasked exception -> #MF at the next waiting
; instruction with CR0.NE=1 (§8.7), #NM from CR0.TS/EM, FSAVE/FNSTENV
; 32- and 16-bit layouts (§8.1.10 figs. 8-9..8-12), FXSAVE/FXRSTOR
; (Vol 2 FXSAVE table 3-53), FBLD/FBSTP, FIST rounding, FLDPI under RC,
; the tag word.  Stack faults, C1 on round-up, FNSTENV's masking and
; FPREM1's quotient bits are in x87stack.asm (QEMU differs there).
%include "lib.inc"
TEST_NAME "x87"

FCW_DEFAULT equ 0x037f
RC_DOWN equ 0x0400
RC_UP equ 0x0800
RC_CHOP equ 0x0c00
FSW_IE equ 0x01
FSW_ZE equ 0x04
FSW_PE equ 0x20
FSW_SF equ 0x40
FSW_ES equ 0x80
FSW_C0 equ 0x100
FSW_C1 equ 0x200
FSW_C2 equ 0x400
FSW_C3 equ 0x4000
FSW_CC equ FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3

; CHECK_ST0 name, sign_exponent, mantissa_high, mantissa_low: pops ST0
; as an 80-bit value and compares its three parts.
%macro CHECK_ST0 4
    fstp tword [tbuf]
    CHECK {%1, " (exponent)"}, dword [tbuf + 8], %2
    CHECK {%1, " (mantissa high)"}, dword [tbuf + 4], %3
    CHECK {%1, " (mantissa low)"}, dword [tbuf], %4
%endmacro
; FSW_IS name, mask, value: FNSTSW AX and compare AX & mask.
%macro FSW_IS 3
    fnstsw ax
    and eax, %2
    CHECK %1, eax, %3
%endmacro
%macro SET_FCW 1
    mov word [cw], %1
    fldcw [cw]
%endmacro

test_main:
    mov eax, cr0
    and eax, ~0x0c                  ; EM, TS off
    or eax, 0x22                    ; NE, MP on
    mov cr0, eax
    call arith
    call remainders
    call compares
    call stack_faults
    call unmasked
    call layouts
    call integers
    ret

arith:
    fninit
    fnstcw [cw]
    CHECK "fninit control word", dword [cw], FCW_DEFAULT
    fld1
    fdiv dword [f_three]
    FSW_IS "1/3 nearest: PE", 0x7f, FSW_PE
    CHECK_ST0 "1/3 nearest", 0x3ffd, 0xaaaaaaaa, 0xaaaaaaab
    SET_FCW FCW_DEFAULT | RC_CHOP
    fld1
    fdiv dword [f_three]
    CHECK_ST0 "1/3 chop", 0x3ffd, 0xaaaaaaaa, 0xaaaaaaaa
    SET_FCW FCW_DEFAULT | RC_UP
    fld1
    fchs
    fdiv dword [f_three]
    CHECK_ST0 "-1/3 up", 0xbffd, 0xaaaaaaaa, 0xaaaaaaaa
    SET_FCW FCW_DEFAULT | RC_DOWN
    fld1
    fchs
    fdiv dword [f_three]
    CHECK_ST0 "-1/3 down", 0xbffd, 0xaaaaaaaa, 0xaaaaaaab
    SET_FCW FCW_DEFAULT & ~0x300    ; PC = 24 bits
    fld1
    fdiv dword [f_three]
    CHECK_ST0 "1/3 precision 24", 0x3ffd, 0xaaaaab00, 0
    SET_FCW FCW_DEFAULT & ~0x100    ; PC = 53 bits
    fld1
    fdiv dword [f_three]
    CHECK_ST0 "1/3 precision 53", 0x3ffd, 0xaaaaaaaa, 0xaaaaa800
    SET_FCW FCW_DEFAULT
    fld dword [f_two]
    fsqrt
    CHECK_ST0 "sqrt 2", 0x3fff, 0xb504f333, 0xf9de6484
    fldpi
    CHECK_ST0 "fldpi nearest", 0x4000, 0xc90fdaa2, 0x2168c235
    SET_FCW FCW_DEFAULT | RC_CHOP
    fldpi
    CHECK_ST0 "fldpi chop", 0x4000, 0xc90fdaa2, 0x2168c234
    SET_FCW FCW_DEFAULT
    ; FXTRACT 10 = 1.25 * 2^3, FSCALE back.
    fld dword [f_ten]
    fxtract
    fst qword [qbuf]
    CHECK "fxtract significand 1.25", dword [qbuf + 4], 0x3ff40000
    fxch
    fst qword [qbuf]
    CHECK "fxtract exponent 3", dword [qbuf + 4], 0x40080000
    fxch
    fscale
    fstp qword [qbuf]
    CHECK "fscale 1.25 * 2^3", dword [qbuf + 4], 0x40240000
    fstp st0
    fld dword [f_m2_5]
    fld1
    fscale                          ; scale truncated to -2
    fstp qword [qbuf]
    CHECK "fscale by -2.5 truncates", dword [qbuf + 4], 0x3fd00000
    fstp st0
    ; The register forms with ST(i) as destination (DC E0-FF, DE E0-FF):
    ; FSUB/FDIV ST(i), ST(0) compute ST(i) op ST(0); the R forms reverse.
%macro ST1_OP 3                     ; name, insn, expected single
    fld1
    fld dword [f_four]
    %2
    fstp st0
    fstp dword [ibuf]
    CHECK %1, dword [ibuf], %3
%endmacro
    ST1_OP "fsub st1, st0 = 1 - 4", {fsub st1, st0}, 0xc0400000
    ST1_OP "fsubr st1, st0 = 4 - 1", {fsubr st1, st0}, 0x40400000
    ST1_OP "fdiv st1, st0 = 1 / 4", {fdiv st1, st0}, 0x3e800000
    ST1_OP "fdivr st1, st0 = 4 / 1", {fdivr st1, st0}, 0x40800000
    fld1
    fld dword [f_four]
    fsubp st1, st0                  ; DE E9
    fstp dword [ibuf]
    CHECK "fsubp st1, st0 = 1 - 4", dword [ibuf], 0xc0400000
    fld1
    fld dword [f_four]
    fdivrp st1, st0                 ; DE F1
    fstp dword [ibuf]
    CHECK "fdivrp st1, st0 = 4 / 1", dword [ibuf], 0x40800000
    ; Masked responses: 0/0 -> IE, real indefinite; 1/0 -> ZE, +inf.
    fninit
    fldz
    fdiv st0, st0
    FSW_IS "0/0 sets IE", 0x3f, FSW_IE
    CHECK_ST0 "0/0 is the real indefinite", 0xffff, 0xc0000000, 0
    fninit
    fld1
    fdiv dword [f_zero]
    FSW_IS "1/0 sets ZE", 0x3f, FSW_ZE
    CHECK_ST0 "1/0 is +inf", 0x7fff, 0x80000000, 0
    fninit
    fld1
    fchs
    fsqrt
    FSW_IS "sqrt -1 sets IE", 0x3f, FSW_IE
    CHECK_ST0 "sqrt -1 is the real indefinite", 0xffff, 0xc0000000, 0
    ret

remainders:
    fninit
    fld dword [f_two]
    fld dword [f_seven]
    fprem
    FSW_IS "fprem 7,2 quotient 3: C3 C1", FSW_CC, FSW_C3 | FSW_C1
    fistp dword [ibuf]
    CHECK "fprem 7,2 = 1", dword [ibuf], 1
    fstp st0
    fld dword [f_three]
    fld dword [f_eight]
    fprem1
    fistp dword [ibuf]
    CHECK "fprem1 8,3 = -1", dword [ibuf], -1
    fstp st0
    fld dword [f_three]
    fld dword [f_2p100]
    fprem
    FSW_IS "fprem with exponents 99 apart is partial: C2", FSW_C2, FSW_C2
    ret

compares:
    fninit
    fld1
    fcom dword [f_two]
    FSW_IS "fcom 1 < 2: C0", FSW_CC, FSW_C0
    fcom dword [f_one]
    FSW_IS "fcom 1 = 1: C3", FSW_CC, FSW_C3
    fcom dword [f_zero]
    FSW_IS "fcom 1 > 0: none", FSW_CC, 0
    fnstsw ax
    sahf
    CHECK_FLAGS "fnstsw ax / sahf maps C0 C2 C3 to CF PF ZF", EFLAGS_CF | EFLAGS_PF | EFLAGS_ZF, 0
    fcom dword [f_qnan]
    FSW_IS "fcom NaN: C3 C2 C0 and IE", FSW_CC | FSW_IE, FSW_C3 | FSW_C2 | FSW_C0 | FSW_IE
    fnclex
    fucom st0                       ; 1 vs 1
    FSW_IS "fucom equal: C3", FSW_CC, FSW_C3
    fld dword [f_two]
    fcomi st0, st1                  ; 2 > 1
    CHECK_FLAGS "fcomi 2 > 1", EFLAGS_CF | EFLAGS_PF | EFLAGS_ZF, 0
    fcomi st0, st0
    CHECK_FLAGS "fcomi equal: ZF", EFLAGS_CF | EFLAGS_PF | EFLAGS_ZF, EFLAGS_ZF
    fxch
    fcomi st0, st1                  ; 1 < 2
    CHECK_FLAGS "fcomi 1 < 2: CF", EFLAGS_CF | EFLAGS_PF | EFLAGS_ZF, EFLAGS_CF
    fld dword [f_qnan]
    fnclex
    fucomi st0, st1
    CHECK_FLAGS "fucomi QNaN: ZF PF CF", EFLAGS_CF | EFLAGS_PF | EFLAGS_ZF, EFLAGS_CF | EFLAGS_PF | EFLAGS_ZF
    FSW_IS "fucomi QNaN: no IE", FSW_IE, 0
    fcomi st0, st1
    FSW_IS "fcomi QNaN: IE", FSW_IE, FSW_IE
    fninit
    ret

stack_faults:
    ; Tag word: ST0 zero (01), ST1 valid (00), the rest empty (11).
    fninit
    fld1
    fldz
    fnstenv [env]
    movzx eax, word [env + 8]       ; the upper halves are reserved
    CHECK "tag word: valid, zero, empty", eax, 0x1fff
    fld dword [f_qnan]
    fnstenv [env]
    movzx eax, word [env + 8]
    CHECK "tag word: NaN is special (10)", eax, 0x1bff
    fninit
    ret

unmasked:
    ; ZE unmasked: FDIV by zero sets ES and B, the #MF waits for FWAIT.
    fninit
    SET_FCW FCW_DEFAULT & ~FSW_ZE
    fld1
    TRY .mf_done
    fdiv dword [f_zero]
    mov dword [fault_vec], 0x99     ; no fault yet
    CHECK "fdiv by zero unmasked: no fault at the fdiv", dword [fault_vec], 0x99
    FSW_IS "unmasked ZE: ZE ES B", 0x80ff, 0x8000 | FSW_ES | FSW_ZE
    TRY .mf_done
.mf_wait:
    fwait
.mf_done:
    CHECK "next fwait raises #MF", dword [fault_vec], 16
    CHECK "#MF at the waiting instruction", dword [fault_eip], .mf_wait
    fnclex
    TRY .mf2_done
    fwait
    mov dword [fault_vec], 0x99
.mf2_done:
    CHECK "fnclex clears the pending #MF", dword [fault_vec], 0x99
    fninit
    ; #NM: CR0.TS with any x87 instruction; FWAIT only with MP.
    mov eax, cr0
    or eax, 8
    mov cr0, eax
    TRY .nm_done
    fld1
.nm_done:
    CHECK "CR0.TS: fld1 raises #NM", dword [fault_vec], 7
    TRY .nmw_done
    fwait
.nmw_done:
    CHECK "CR0.TS and MP: fwait raises #NM", dword [fault_vec], 7
    clts
    mov eax, cr0
    or eax, 4
    mov cr0, eax
    TRY .em_done
    fld1
.em_done:
    CHECK "CR0.EM: fld1 raises #NM", dword [fault_vec], 7
    mov eax, cr0
    and eax, ~4
    mov cr0, eax
    ret

layouts:
    ; FNSAVE 32-bit: CW, SW, TW dwords, then ST0 at 28; reinitialises.
    fninit
    SET_FCW FCW_DEFAULT | RC_UP
    fld dword [f_seven]
    fnsave [save_area]
    movzx eax, word [save_area]     ; the upper halves are reserved
    CHECK "fnsave: control word at 0", eax, FCW_DEFAULT | RC_UP
    mov eax, [save_area + 4]
    and eax, 0x3800
    CHECK "fnsave: TOP 7 in the status word at 4", eax, 0x3800
    movzx eax, word [save_area + 8]
    CHECK "fnsave: tag word at 8", eax, 0x3fff
    CHECK "fnsave: ST0 at 28", dword [save_area + 28 + 6], 0x4001e000
    fnstcw [cw]
    CHECK "fnsave reinitialises", dword [cw], FCW_DEFAULT
    mov dword [save_area + 28 + 6], 0x40008000 ; ST0 := 2.0
    frstor [save_area]
    fnstcw [cw]
    CHECK "frstor: control word", dword [cw], FCW_DEFAULT | RC_UP
    fistp dword [ibuf]
    CHECK "frstor: ST0", dword [ibuf], 2
    ; 16-bit FNSAVE: CW, SW, TW words, ST0 at 14.
    fninit
    fld dword [f_seven]
    o16 fnsave [save_area]
    CHECK "16-bit fnsave: control word at 0", dword [save_area], 0x3800037f
    movzx eax, word [save_area + 4]
    CHECK "16-bit fnsave: tag word at 4", eax, 0x3fff
    CHECK "16-bit fnsave: ST0 at 14", dword [save_area + 14 + 6], 0x4001e000
    mov dword [save_area + 14 + 6], 0x40018000 ; ST0 := 4.0
    o16 frstor [save_area]
    fistp dword [ibuf]
    CHECK "16-bit frstor: ST0", dword [ibuf], 4
    ; FNSTENV 16-bit: CW, SW, TW words.
    fninit
    o16 fnstenv [env]
    CHECK "16-bit fnstenv: control and status words", dword [env], FCW_DEFAULT
    CHECK "16-bit fnstenv: tag word at 4", dword [env + 4], 0xffff
    ; FXSAVE: CW, SW, abridged tag byte, MXCSR at 24, ST0 at 32.
    mov eax, cr4
    or eax, 0x200                   ; OSFXSR
    mov cr4, eax
    fninit
    fld dword [f_seven]
    fxsave [fx_area]
    CHECK "fxsave: control and status words", dword [fx_area], 0x3800037f
    movzx eax, byte [fx_area + 4]
    CHECK "fxsave: abridged tag (ST0 = reg 7 valid)", eax, 0x80
    CHECK "fxsave: MXCSR at 24", dword [fx_area + 24], 0x1f80
    CHECK "fxsave: ST0 at 32", dword [fx_area + 32 + 6], 0x4001e000
    mov dword [fx_area + 32 + 6], 0x40028000 ; ST0 := 8.0
    fninit
    fxrstor [fx_area]
    fistp dword [ibuf]
    CHECK "fxrstor: ST0", dword [ibuf], 8
    TRY .fxa_done
    fxsave [fx_area + 8]
.fxa_done:
    CHECK "fxsave misaligned raises #GP", dword [fault_vec], 13
    ret

integers:
    fninit
    ; FBLD -1234, FBSTP 98765.5 -> 98766 (round to even).
    fbld [bcd_in]
    fistp dword [ibuf]
    CHECK "fbld -1234", dword [ibuf], -1234
    fld qword [d_98765_5]
    fbstp [bcd_out]
    CHECK "fbstp 98765.5 rounds to even", dword [bcd_out], 0x00098766
    CHECK "fbstp sign byte", dword [bcd_out + 6], 0
    ; FIST rounding.
    fld qword [d_2_5]
    fist dword [ibuf]
    CHECK "fist 2.5 nearest-even", dword [ibuf], 2
    SET_FCW FCW_DEFAULT | RC_UP
    fist dword [ibuf]
    CHECK "fist 2.5 up", dword [ibuf], 3
    fchs
    SET_FCW FCW_DEFAULT | RC_DOWN
    fist dword [ibuf]
    CHECK "fist -2.5 down", dword [ibuf], -3
    SET_FCW FCW_DEFAULT | RC_CHOP
    fistp dword [ibuf]
    CHECK "fist -2.5 chop", dword [ibuf], -2
    SET_FCW FCW_DEFAULT
    fld qword [d_3_5]
    fistp dword [ibuf]
    CHECK "fist 3.5 nearest-even", dword [ibuf], 4
    ; Overflow: masked IE stores the integer indefinite.
    fninit
    mov dword [ibuf], 0
    fld dword [f_40000]
    fistp word [ibuf]
    CHECK "fist word 40000: integer indefinite", dword [ibuf], 0x8000
    FSW_IS "fist overflow sets IE", 0x3f, FSW_IE
    fld dword [f_2p100]
    fistp qword [qbuf]
    CHECK "fistp qword 2^100: indefinite high", dword [qbuf + 4], 0x80000000
    CHECK "fistp qword 2^100: indefinite low", dword [qbuf], 0
    fninit
    ret

section .data
align 16
f_zero: dd 0.0
f_one: dd 1.0
f_two: dd 2.0
f_three: dd 3.0
f_four: dd 4.0
f_seven: dd 7.0
f_eight: dd 8.0
f_ten: dd 10.0
f_m2_5: dd -2.5
f_40000: dd 40000.0
f_2p100: dd 0x71800000             ; 2^100
f_qnan: dd 0x7fc00000
d_98765_5: dq 98765.5
d_2_5: dq 2.5
d_3_5: dq 3.5
bcd_in: db 0x34, 0x12, 0, 0, 0, 0, 0, 0, 0, 0x80
cw: dd 0
ibuf: dd 0
align 8
qbuf: dq 0
tbuf: dq 0, 0
bcd_out: dq 0, 0
env: times 28 db 0
save_area: times 108 db 0

section .bss
alignb 16
fx_area: resb 512
