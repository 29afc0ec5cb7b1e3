; Protected-mode exceptions through the IDT (SDM Vol 3 §6.15 "Exception
; and Interrupt Reference"): vector, error code and the saved EIP of
; faults (the faulting instruction) and traps (the next one).
%include "lib.inc"
TEST_NAME "pm"

test_main:
    TRY .ud_done
.ud:
    ud2
.ud_done:
    CHECK "ud2 raises #UD", dword [fault_vec], 6
    CHECK "#UD saves the faulting eip", dword [fault_eip], .ud

    TRY .de_done
    xor edx, edx
    mov eax, 1
    xor ecx, ecx
.de:
    div ecx
.de_done:
    CHECK "div by 0 raises #DE", dword [fault_vec], 0
    CHECK "#DE saves the faulting eip", dword [fault_eip], .de
    TRY .de2_done
    mov eax, 0x80000000
    cdq
    mov ecx, -1
    idiv ecx                        ; quotient 2^31 does not fit
.de2_done:
    CHECK "idiv overflow raises #DE", dword [fault_vec], 0

    ; Loading DS with a selector past the GDT limit: #GP(selector).
    TRY .gp_done
    mov ax, 0x1230
    mov ds, ax
.gp_done:
    CHECK "bad selector raises #GP", dword [fault_vec], 13
    CHECK "#GP error code is the selector", dword [fault_err], 0x1230

    ; A not-present data descriptor: #NP(selector).
    mov dword [gdt + SEL_SPARE], 0x0000ffff
    mov dword [gdt + SEL_SPARE + 4], 0x00cf1200 ; data, P = 0
    TRY .np_done
    mov ax, SEL_SPARE
    mov ds, ax
.np_done:
    CHECK "not-present segment raises #NP", dword [fault_vec], 11
    CHECK "#NP error code", dword [fault_err], SEL_SPARE

    ; INT3 is a trap: the saved eip follows it.
    TRY .bp_done
    int3
.bp_next:
.bp_done:
    CHECK "int3 raises #BP", dword [fault_vec], 3
    CHECK "#BP saves the next eip", dword [fault_eip], .bp_next

    ; INTO with OF set.
    TRY .of_done
    mov al, 0x7f
    add al, 1
    into
.of_done:
    CHECK "into raises #OF", dword [fault_vec], 4

    ; BOUND out of range: #BR.
    TRY .br_done
    mov eax, 20
    bound eax, [bounds]
.br_done:
    CHECK "bound raises #BR", dword [fault_vec], 5

    ; A privileged instruction at CPL 0 is fine; a software interrupt
    ; through a gate of our own, with its handler's result.
    mov ecx, 0x40
    mov eax, int40_handler
    mov dl, 0x8e
    call set_idt_gate
    mov eax, 7
    int 0x40
    CHECK "int 0x40 runs the handler", eax, 8
    CHECK "interrupt gate clears IF", dword [int40_if], 0

    ; INT n beyond the IDT limit: #GP with error code vector*8+2 (IDT bit).
    mov word [idt_small], 0x40 * 8 - 1
    lidt [idt_small]
    TRY .lim_int_done
    int 0x41
.lim_int_done:
    lidt [idt_ptr]
    CHECK "int past the IDT limit raises #GP", dword [fault_vec], 13
    CHECK "#GP error code names the IDT entry", dword [fault_err], 0x41 * 8 + 2

    ; A valid gate type that is not present: #NP(0x42*8+2) (an all-zero
    ; entry would be an invalid type: #GP first, SDM Vol 2 INT n).
    mov ecx, 0x42
    mov eax, int40_handler
    mov dl, 0x0e
    call set_idt_gate
    TRY .np_int_done
    int 0x42
.np_int_done:
    CHECK "int to a not-present gate raises #NP", dword [fault_vec], 11
    CHECK "#NP error code names the IDT entry", dword [fault_err], 0x42 * 8 + 2
    ret

int40_handler:
    pushfd
    pop dword [int40_if]
    and dword [int40_if], 0x200
    inc eax
    iretd

section .data
bounds: dd 0, 10
int40_if: dd -1
idt_small:
    dw 0
    dd idt
