; QEMU-DIFFERS: QEMU's TCG does not check data segment limits and rights
; (it skips the SDM Vol 3 §5.3 limit check and §5.4 type check), so this
; test fails there and the runner does not compare it with QEMU.
;
; Segment protection on data accesses: writes through a code segment and
; accesses past a segment limit raise #GP(0) (SDM Vol 3 §5.3, §5.4).
%include "lib.inc"
TEST_NAME "seglimit"

test_main:
    ; Writing through a code segment: #GP(0).
    TRY .wcs_done
    mov dword [cs:scratch], 1
.wcs_done:
    CHECK "write to code segment raises #GP", dword [fault_vec], 13
    CHECK "#GP(0) error code", dword [fault_err], 0

    ; A segment limit: data segment of 4 KiB at base 0x200000; offset
    ; 0xffe with a dword access crosses it.
    mov dword [gdt + SEL_SPARE], 0x00000fff
    mov dword [gdt + SEL_SPARE + 4], 0x00409220 ; base 0x200000, byte granular
    mov ax, SEL_SPARE
    mov es, ax
    mov dword [es:0xff8], 0x12345678
    CHECK "access inside the limit", dword [0x200ff8], 0x12345678
    TRY .lim_done
    mov eax, [es:0xffe]
.lim_done:
    CHECK "access past the limit raises #GP", dword [fault_vec], 13
    mov ax, SEL_DATA32
    mov es, ax

    ; Expand-down: a 4 KiB-limit expand-down segment allows offsets above
    ; the limit and faults at or below it (SDM Vol 3 §3.4.5.1).
    mov dword [gdt + SEL_SPARE], 0x00000fff
    mov dword [gdt + SEL_SPARE + 4], 0x00409620 ; base 0x200000, expand-down
    mov ax, SEL_SPARE
    mov es, ax
    mov dword [es:0x2000], 0xcafe
    CHECK "expand-down above the limit", dword [0x202000], 0xcafe
    TRY .ed_done
    mov eax, [es:0x800]
.ed_done:
    CHECK "expand-down below the limit raises #GP", dword [fault_vec], 13
    mov ax, SEL_DATA32
    mov es, ax
    ret

section .data
scratch: dd 0
