; QEMU-DIFFERS: the counts depend on how many instructions run per PIT tick
; (doppel's -icount makes that exact; QEMU's TCG timing differs).
; Timer interrupts under -icount: the 8254 (channel 0, mode 2) interrupts
; a counting loop through the 8259 (IRQ0 at vector 0x20); each tick
; records how far the loop got, and the counts are printed at the end.
; With -icount the interrupt lands on the same instruction in every
; accelerator, so the output is the same under -accel interp and jit
; (tests/unit/test_cpu_debug.c compares them).
%include "lib.inc"
TEST_NAME "debug_pit"

TICKS equ 5
PIT_DIVISOR equ 256                 ; about 4.7 kHz

test_main:
    ; 8259A: ICW1-ICW4, vectors 0x20/0x28, every line masked but IRQ0.
    mov al, 0x11
    out 0x20, al
    out 0xa0, al
    mov al, 0x20
    out 0x21, al
    mov al, 0x28
    out 0xa1, al
    mov al, 4
    out 0x21, al
    mov al, 2
    out 0xa1, al
    mov al, 1
    out 0x21, al
    out 0xa1, al
    mov al, 0xfe
    out 0x21, al
    mov al, 0xff
    out 0xa1, al
    mov ecx, 0x20
    mov eax, irq0
    mov dl, 0x8e
    call set_idt_gate
    ; 8254 channel 0: lobyte/hibyte, mode 2 (rate generator).
    mov al, 0x34
    out 0x43, al
    mov al, PIT_DIVISOR & 0xff
    out 0x40, al
    mov al, PIT_DIVISOR >> 8
    out 0x40, al
    xor ebx, ebx
    mov dword [ticks], 0
    sti
.spin:
    inc ebx
    cmp dword [ticks], TICKS
    jb .spin
    cli
    xor edi, edi
.print:
    mov eax, [counts + edi * 4]
    call putdec
    mov al, 10
    call putc
    inc edi
    cmp edi, TICKS
    jb .print
    ret

irq0:
    push eax
    mov eax, [ticks]
    cmp eax, TICKS
    jae .eoi
    mov [counts + eax * 4], ebx
    inc dword [ticks]
.eoi:
    mov al, 0x20                    ; non-specific EOI
    out 0x20, al
    pop eax
    iretd

section .bss
ticks: resd 1
counts: resd TICKS
