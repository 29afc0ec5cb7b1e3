; QEMU-DIFFERS: QEMU's TCG (7.2) never raises #XM for unmasked SIMD
; exceptions (SDM Vol 1 §11.5.1, Vol 3 §6.15 "Interrupt 19"), nor #UD for
; them when CR4.OSXMMEXCPT is clear (Vol 3 §13.1.4), does not set
; MXCSR.DE for denormal operands (Vol 1 §11.5.2.2), and does not raise
; #GP for LDMXCSR with reserved bits set (Vol 2 LDMXCSR).
;
; SSE exception delivery.
%include "lib.inc"
TEST_NAME "ssexcept"

MXCSR_DEFAULT equ 0x1f80

%macro SET_MXCSR 1
    mov dword [mx], %1
    ldmxcsr [mx]
%endmacro
%macro MXCSR_FLAGS 2
    stmxcsr [mx]
    mov eax, [mx]
    and eax, 0x3f
    CHECK %1, eax, %2
%endmacro

test_main:
    mov eax, cr0
    and eax, ~0x0c
    or eax, 0x22
    mov cr0, eax
    mov eax, cr4
    or eax, 0x600                   ; OSFXSR, OSXMMEXCPT
    mov cr4, eax
    SET_MXCSR MXCSR_DEFAULT
    movss xmm0, [f_denormal]
    addss xmm0, [f_zero]
    MXCSR_FLAGS "denormal operand sets DE", 2
    ; Unmasked ZE: #XM at the instruction, destination unchanged.
    SET_MXCSR MXCSR_DEFAULT & ~0x200
    movss xmm0, [f_one]
    TRY .xm_done
.xm:
    divss xmm0, [f_zero]
.xm_done:
    CHECK "unmasked 1/0 raises #XM", dword [fault_vec], 19
    CHECK "#XM at the instruction", dword [fault_eip], .xm
    movd eax, xmm0
    CHECK "#XM leaves the destination", eax, 0x3f800000
    MXCSR_FLAGS "#XM sets ZE", 4
    ; A packed op with one faulting lane: no lane is written.
    SET_MXCSR MXCSR_DEFAULT & ~0x200
    movups xmm1, [v_ones]
    TRY .xmp_done
    divps xmm1, [v_divs]
.xmp_done:
    CHECK "divps with a zero lane raises #XM", dword [fault_vec], 19
    movd eax, xmm1
    CHECK "#XM leaves every lane", eax, 0x3f800000
    SET_MXCSR MXCSR_DEFAULT & ~0x200
    mov eax, cr4
    and eax, ~0x400
    mov cr4, eax
    TRY .ud_done
    divss xmm0, [f_zero]
.ud_done:
    CHECK "unmasked without OSXMMEXCPT raises #UD", dword [fault_vec], 6
    mov eax, cr4
    or eax, 0x400
    mov cr4, eax
    SET_MXCSR MXCSR_DEFAULT
    TRY .ldmx_done
    SET_MXCSR 0x10000               ; reserved bit
.ldmx_done:
    CHECK "ldmxcsr with a reserved bit raises #GP", dword [fault_vec], 13
    CHECK "#GP(0)", dword [fault_err], 0
    ret

section .data
align 16
v_ones: dd 1.0, 1.0, 1.0, 1.0
v_divs: dd 2.0, 2.0, 0.0, 2.0
f_zero: dd 0.0
f_one: dd 1.0
f_denormal: dd 0x00400000
mx: dd 0
