; QEMU-DIFFERS: QEMU's TCG x87 (7.2) has no stack-fault detection (SDM
; Vol 1 §8.5.1.1: overflow and underflow set IE and SF, C1 = 1 on
; overflow, masked response loads the real indefinite), does not set C1
; when a result is rounded up (Vol 1 §8.1.3.1, table 8-1), does not mask
; exceptions after FNSTENV (Vol 2 FSTENV), and leaves C0 C3 C1 clear
; after FPREM1 (Vol 2 FPREM1: they are Q2 Q1 Q0 of the quotient).
;
; x87 stack faults and status details.
%include "lib.inc"
TEST_NAME "x87stack"

FSW_IE equ 0x01
FSW_PE equ 0x20
FSW_SF equ 0x40
FSW_C0 equ 0x100
FSW_C1 equ 0x200
FSW_CC equ 0x4700

%macro FSW_IS 3
    fnstsw ax
    and eax, %2
    CHECK %1, eax, %3
%endmacro
%macro CHECK_ST0 4
    fstp tword [tbuf]
    CHECK {%1, " (exponent)"}, dword [tbuf + 8], %2
    CHECK {%1, " (mantissa high)"}, dword [tbuf + 4], %3
    CHECK {%1, " (mantissa low)"}, dword [tbuf], %4
%endmacro

test_main:
    mov eax, cr0
    and eax, ~0x0c
    or eax, 0x22
    mov cr0, eax
    fninit
%rep 8
    fld1
%endrep
    FSW_IS "8 pushes: no fault", 0x27f, 0
    fldz                            ; the ninth: overflow
    FSW_IS "stack overflow: IE SF C1", 0x27f, FSW_IE | FSW_SF | FSW_C1
    CHECK_ST0 "overflow loads the real indefinite", 0xffff, 0xc0000000, 0
    fninit
    fld1
    fadd st0, st2                   ; ST2 empty: underflow
    FSW_IS "stack underflow: IE SF, C1 clear", 0x27f, FSW_IE | FSW_SF
    CHECK_ST0 "underflow result is the real indefinite", 0xffff, 0xc0000000, 0
    fninit
    fstp dword [fbuf]               ; storing an empty register
    FSW_IS "fstp of an empty ST0: IE SF", 0x27f, FSW_IE | FSW_SF
    CHECK "fstp empty stores the single indefinite", dword [fbuf], 0xffc00000

    fninit
    fld1
    fdiv dword [f_three]
    FSW_IS "1/3 rounded up: PE and C1", 0x27f, FSW_PE | FSW_C1
    fninit
    fld1
    fdiv dword [f_seven]            ; 1/7 = 0x9249...2492|49.. rounds down
    FSW_IS "1/7 rounded down: PE, C1 clear", 0x27f, FSW_PE

    fninit
    fld dword [f_two]
    fld dword [f_seven]
    fprem1                          ; 3.5 rounds to 4: remainder -1
    FSW_IS "fprem1 7,2 quotient 4: C0", FSW_CC, FSW_C0
    fistp dword [ibuf]
    CHECK "fprem1 7,2 = -1", dword [ibuf], -1
    fld dword [f_eight]
    fstp st1
    fld dword [f_three]
    fxch
    fprem1                          ; 8/3 rounds to 3: remainder -1
    FSW_IS "fprem1 8,3 quotient 3: C3 C1", FSW_CC, 0x4200

    fninit
    mov word [cw], 0x0340
    fldcw [cw]
    fnstenv [env]
    movzx eax, word [env]           ; the upper half is reserved
    CHECK "fnstenv stores the control word", eax, 0x0340
    fnstcw [cw]
    CHECK "fnstenv then masks every exception", dword [cw], 0x037f
    fninit
    ret

section .data
align 8
f_two: dd 2.0
f_three: dd 3.0
f_seven: dd 7.0
f_eight: dd 8.0
fbuf: dd 0
ibuf: dd 0
cw: dd 0
tbuf: dq 0, 0
env: times 28 db 0
