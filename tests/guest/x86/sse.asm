; SSE/SSE2 (SDM Vol 1 ch. 10-11, Vol 2 per instruction): arithmetic and
; conversions under MXCSR.RC, FTZ and DAZ (Vol 1 §10.2.3), masked
; exception flags and responses (unmasked exceptions, DE and LDMXCSR
; checks: ssexcept.asm, QEMU differs there), #UD with CR4.OSFXSR clear,
; #NM with CR0.TS, #GP for a misaligned MOVAPS, COMISS/UCOMISS flags,
; packed integer operations and shuffles.
%include "lib.inc"
TEST_NAME "sse"

MXCSR_DEFAULT equ 0x1f80
RC_DOWN equ 0x2000
RC_UP equ 0x4000
RC_ZERO equ 0x6000
FTZ equ 0x8000
DAZ equ 0x40
MX_IE equ 1
MX_DE equ 2
MX_ZE equ 4
MX_UE equ 0x10
MX_PE equ 0x20

; CHECK_XD name, xmm, dword index, expected
%macro CHECK_XD 4
    movdqu [xbuf], %2
    CHECK %1, dword [xbuf + 4 * %3], %4
%endmacro
%macro SET_MXCSR 1
    mov dword [mx], %1
    ldmxcsr [mx]
%endmacro
; MXCSR_FLAGS name, expected: MXCSR & 0x3f
%macro MXCSR_FLAGS 2
    stmxcsr [mx]
    mov eax, [mx]
    and eax, 0x3f
    CHECK %1, eax, %2
%endmacro

test_main:
    mov eax, cr0
    and eax, ~0x0c                  ; EM, TS
    or eax, 0x22
    mov cr0, eax
    ; OSFXSR clear: SSE instructions are #UD.
    mov eax, cr4
    and eax, ~0x600
    mov cr4, eax
    TRY .nofx_done
    addps xmm0, xmm1
.nofx_done:
    CHECK "CR4.OSFXSR clear: addps raises #UD", dword [fault_vec], 6
    mov eax, cr4
    or eax, 0x600                   ; OSFXSR, OSXMMEXCPT
    mov cr4, eax
    mov eax, cr0
    or eax, 8
    mov cr0, eax
    TRY .ts_done
    addps xmm0, xmm1
.ts_done:
    CHECK "CR0.TS: addps raises #NM", dword [fault_vec], 7
    clts
    call float_ops
    call exceptions
    call int_ops
    ret

float_ops:
    SET_MXCSR MXCSR_DEFAULT
    movups xmm0, [v_1234]
    movups xmm1, [v_5678]
    movaps xmm2, xmm0
    addps xmm2, xmm1
    CHECK_XD "addps lane 3: 4+8", xmm2, 3, 0x41400000
    movaps xmm2, xmm0
    shufps xmm2, xmm1, 0x4e
    CHECK_XD "shufps 0x4e lane 0 = x[2]", xmm2, 0, 0x40400000
    CHECK_XD "shufps 0x4e lane 3 = y[1]", xmm2, 3, 0x40c00000
    movaps xmm2, xmm0
    unpcklps xmm2, xmm1
    CHECK_XD "unpcklps lane 1 = y[0]", xmm2, 1, 0x40a00000
    CHECK_XD "unpcklps lane 2 = x[1]", xmm2, 2, 0x40000000
    movaps xmm2, xmm0
    movhlps xmm2, xmm1
    CHECK_XD "movhlps lane 0 = y[2]", xmm2, 0, 0x40e00000
    CHECK_XD "movhlps lane 3 kept", xmm2, 3, 0x40800000
    movaps xmm2, xmm0
    sqrtss xmm2, [f_two]
    CHECK_XD "sqrtss 2", xmm2, 0, 0x3fb504f3
    CHECK_XD "sqrtss keeps the upper lanes", xmm2, 1, 0x40000000
    ; Division under each rounding mode.
    movss xmm3, [f_one]
    divss xmm3, [f_three]
    CHECK_XD "1/3 nearest", xmm3, 0, 0x3eaaaaab
    MXCSR_FLAGS "1/3 sets PE", MX_PE
    SET_MXCSR MXCSR_DEFAULT | RC_ZERO
    movss xmm3, [f_one]
    divss xmm3, [f_three]
    CHECK_XD "1/3 toward zero", xmm3, 0, 0x3eaaaaaa
    SET_MXCSR MXCSR_DEFAULT | RC_DOWN
    movss xmm3, [f_m1]
    divss xmm3, [f_three]
    CHECK_XD "-1/3 down", xmm3, 0, 0xbeaaaaab
    SET_MXCSR MXCSR_DEFAULT | RC_UP
    movss xmm3, [f_m1]
    divss xmm3, [f_three]
    CHECK_XD "-1/3 up", xmm3, 0, 0xbeaaaaaa
    ; Conversions under RC.
    mov eax, 16777217
    cvtsi2ss xmm4, eax
    CHECK_XD "cvtsi2ss 2^24+1 up", xmm4, 0, 0x4b800001
    movss xmm4, [f_2_5]
    cvtss2si eax, xmm4
    CHECK "cvtss2si 2.5 up", eax, 3
    SET_MXCSR MXCSR_DEFAULT
    cvtss2si eax, xmm4
    CHECK "cvtss2si 2.5 nearest-even", eax, 2
    mov eax, 16777217
    cvtsi2ss xmm4, eax
    CHECK_XD "cvtsi2ss 2^24+1 nearest", xmm4, 0, 0x4b800000
    movss xmm4, [f_m2_7]
    cvttss2si eax, xmm4
    CHECK "cvttss2si -2.7 truncates", eax, -2
    movsd xmm5, [d_1e10]
    SET_MXCSR MXCSR_DEFAULT
    cvtsd2si eax, xmm5
    CHECK "cvtsd2si 1e10: integer indefinite", eax, 0x80000000
    MXCSR_FLAGS "cvtsd2si overflow sets IE", MX_IE
    SET_MXCSR MXCSR_DEFAULT
    movss xmm5, [f_third]
    cvtss2sd xmm5, xmm5
    CHECK_XD "cvtss2sd widens exactly (high)", xmm5, 1, 0x3fd55555
    CHECK_XD "cvtss2sd widens exactly (low)", xmm5, 0, 0x60000000
    movsd xmm5, [d_one]
    divsd xmm5, [d_three]
    CHECK_XD "divsd 1/3 (low)", xmm5, 0, 0x55555555
    cvtpd2ps xmm6, xmm5
    CHECK_XD "cvtpd2ps 1/3", xmm6, 0, 0x3eaaaaab
    CHECK_XD "cvtpd2ps zeroes the upper half", xmm6, 2, 0
    ; FTZ and DAZ.
    SET_MXCSR MXCSR_DEFAULT
    movss xmm0, [f_min_normal]
    mulss xmm0, [f_half]
    CHECK_XD "2^-127 exact denormal without FTZ", xmm0, 0, 0x00400000
    MXCSR_FLAGS "exact denormal result: no flags", 0
    SET_MXCSR MXCSR_DEFAULT | FTZ
    movss xmm0, [f_min_normal]
    mulss xmm0, [f_half]
    CHECK_XD "FTZ flushes the denormal result", xmm0, 0, 0
    MXCSR_FLAGS "FTZ sets UE and PE", MX_UE | MX_PE
    SET_MXCSR MXCSR_DEFAULT
    movss xmm0, [f_denormal]
    addss xmm0, [f_zero]
    CHECK_XD "denormal operand without DAZ", xmm0, 0, 0x00400000
    SET_MXCSR MXCSR_DEFAULT | DAZ
    movss xmm0, [f_denormal]
    addss xmm0, [f_zero]
    CHECK_XD "DAZ reads the denormal as 0", xmm0, 0, 0
    MXCSR_FLAGS "DAZ: no DE", 0
    SET_MXCSR MXCSR_DEFAULT
    ret

exceptions:
    ; Masked: 1/0 -> ZE and +inf; 0/0 -> IE and the default NaN.
    movss xmm0, [f_one]
    divss xmm0, [f_zero]
    CHECK_XD "masked 1/0 is +inf", xmm0, 0, 0x7f800000
    MXCSR_FLAGS "masked 1/0 sets ZE", MX_ZE
    SET_MXCSR MXCSR_DEFAULT
    movss xmm0, [f_zero]
    divss xmm0, [f_zero]
    CHECK_XD "masked 0/0 is the default NaN", xmm0, 0, 0xffc00000
    MXCSR_FLAGS "masked 0/0 sets IE", MX_IE
    SET_MXCSR MXCSR_DEFAULT
    ; MOVAPS needs 16-byte alignment.
    TRY .al_done
    movaps xmm0, [v_1234 + 4]
.al_done:
    CHECK "misaligned movaps raises #GP", dword [fault_vec], 13
    CHECK "#GP(0)", dword [fault_err], 0
    movups xmm0, [v_1234 + 4]
    CHECK_XD "movups at any alignment", xmm0, 0, 0x40000000
    ; COMISS / UCOMISS: ZF PF CF, OF SF AF cleared.
    movss xmm0, [f_one]
    push dword 0x8d5 | 2
    popfd
    comiss xmm0, [f_two]
    CHECK_FLAGS "comiss 1 < 2: CF only", EFLAGS_ARITH, EFLAGS_CF
    comiss xmm0, [f_one]
    CHECK_FLAGS "comiss equal: ZF", EFLAGS_ARITH, EFLAGS_ZF
    comiss xmm0, [f_zero]
    CHECK_FLAGS "comiss 1 > 0: none", EFLAGS_ARITH, 0
    ucomiss xmm0, [f_qnan]
    CHECK_FLAGS "ucomiss QNaN: ZF PF CF", EFLAGS_ARITH, EFLAGS_ZF | EFLAGS_PF | EFLAGS_CF
    MXCSR_FLAGS "ucomiss QNaN: no IE", 0
    comiss xmm0, [f_qnan]
    MXCSR_FLAGS "comiss QNaN: IE", MX_IE
    SET_MXCSR MXCSR_DEFAULT
    ret

int_ops:
    movdqu xmm0, [v_a]
    movdqu xmm1, [v_b]
%macro INT_OP 5                     ; name, insn, lane, expected, (b or imm)
    movdqa xmm2, xmm0
    %2 xmm2, %5
    CHECK_XD %1, xmm2, %3, %4
%endmacro
    INT_OP "paddb wraps", paddb, 0, 0x81800200, xmm1
    INT_OP "paddusb saturates", paddusb, 0, 0x818002ff, xmm1
    INT_OP "paddsb saturates", paddsb, 0, 0x817f0200, xmm1
    INT_OP "psubsw saturates", psubsw, 1, 0x7ffe8000, xmm1
    INT_OP "pmullw", pmullw, 2, 0x0000000f, xmm1
    INT_OP "pmulhw", pmulhw, 3, 0x0000ffff, xmm1
    INT_OP "pmuludq lanes 0,1 low", pmuludq, 0, 0x008000ff, xmm1
    INT_OP "pmuludq lanes 0,1 high", pmuludq, 1, 0x00810002, xmm1
    INT_OP "pmuludq lanes 2,3", pmuludq, 2, 15, xmm1
    INT_OP "pcmpgtd signed", pcmpgtd, 1, 0xffffffff, xmm1
    INT_OP "pcmpgtd negative", pcmpgtd, 0, 0, xmm1
    INT_OP "pmaddwd", pmaddwd, 1, 0xffffffff, xmm1
    INT_OP "psadbw", psadbw, 0, 0x3f9, xmm1
    INT_OP "pavgb rounds up", pavgb, 0, 0x41400180, xmm1
    INT_OP "pminsw", pminsw, 1, 0x00018000, xmm1
    INT_OP "punpckldq lane 1", punpckldq, 1, 0x01010101, xmm1
    INT_OP "packsswb", packsswb, 0, 0x7f80807f, xmm0
    INT_OP "psllq 4", psllq, 1, 0xfff80008, 4
    INT_OP "psraw 1", psraw, 1, 0x3fffc000, 1
    INT_OP "psrldq 4", psrldq, 0, 0x7fff8000, 4
    INT_OP "pslldq 4", pslldq, 0, 0, 4
    movdqa xmm2, xmm0
    pslldq xmm2, 4
    CHECK_XD "pslldq 4 lane 1", xmm2, 1, 0x807f01ff
    pshufd xmm2, xmm0, 0x1b
    CHECK_XD "pshufd 0x1b lane 0", xmm2, 0, 0xfffffffe
    CHECK_XD "pshufd 0x1b lane 3", xmm2, 3, 0x807f01ff
    pshuflw xmm2, xmm0, 0xb1        ; swap the low words pairwise
    CHECK_XD "pshuflw swaps words", xmm2, 0, 0x01ff807f
    CHECK_XD "pshuflw keeps the high qword", xmm2, 2, 3
    pmovmskb eax, xmm0
    CHECK "pmovmskb", eax, 0xf069
    movd eax, xmm0
    CHECK "movd xmm to reg", eax, 0x807f01ff
    movd xmm3, eax
    CHECK_XD "movd zeroes the upper lanes", xmm3, 1, 0
    ret

section .data
align 16
v_1234: dd 1.0, 2.0, 3.0, 4.0, 0
align 16
v_5678: dd 5.0, 6.0, 7.0, 8.0
v_a: dd 0x807f01ff, 0x7fff8000, 0x00000003, 0xfffffffe
v_b: dd 0x01010101, 0x00010001, 0x00000005, 0x00000002
f_zero: dd 0.0
f_one: dd 1.0
f_m1: dd -1.0
f_two: dd 2.0
f_three: dd 3.0
f_half: dd 0.5
f_2_5: dd 2.5
f_m2_7: dd -2.7
f_third: dd 0x3eaaaaab
f_min_normal: dd 0x00800000
f_denormal: dd 0x00400000
f_qnan: dd 0x7fc00000
d_one: dq 1.0
d_three: dq 3.0
d_1e10: dq 1.0e10
mx: dd 0
align 16
xbuf: times 16 db 0
