; Record/replay guest: the 8254 (channel 0, mode 2, about 1 kHz) ticks
; through the 8259 (IRQ0 at vector 0x20) while the cpu polls COM1; every
; byte is echoed with the tick count it arrived at.  The output therefore
; depends on when the host typed each byte — a replay without input must
; reproduce it exactly.  Ends on 'q' or after 1000 ticks ("timeout").
;   8259A datasheet, ICW1-ICW4; 8254 datasheet, mode 2 (rate generator);
;   16550 LSR bit 0 (data ready).
%include "lib.inc"
TEST_NAME "rr_echo"

PIC1 equ 0x20
PIC2 equ 0xa0
PIT_CH0 equ 0x40
PIT_CMD equ 0x43
PIT_DIVISOR equ 1193                ; 1193182 Hz / 1193: about 1 kHz
TICK_LIMIT equ 1000

test_main:
    ; Master at vectors 0x20-0x27, slave at 0x28-0x2f, only IRQ0 open.
    mov al, 0x11
    out PIC1, al
    out PIC2, al
    mov al, 0x20
    out PIC1 + 1, al
    mov al, 0x28
    out PIC2 + 1, al
    mov al, 0x04
    out PIC1 + 1, al
    mov al, 0x02
    out PIC2 + 1, al
    mov al, 0x01
    out PIC1 + 1, al
    out PIC2 + 1, al
    mov al, 0xfe
    out PIC1 + 1, al
    mov al, 0xff
    out PIC2 + 1, al
    mov ecx, 0x20
    mov eax, tick_isr
    mov dl, 0x8e
    call set_idt_gate
    mov al, 0x34                    ; channel 0, lobyte/hibyte, mode 2
    out PIT_CMD, al
    mov al, PIT_DIVISOR & 0xff
    out PIT_CH0, al
    mov al, PIT_DIVISOR >> 8
    out PIT_CH0, al
    sti
.rx:
    mov dx, COM1 + 5
    in al, dx
    test al, 1
    jz .timeout_check
    mov dx, COM1
    in al, dx
    mov bl, al
    PRINT "tick "
    mov eax, [ticks]
    call putdec
    PRINT " got "
    movzx eax, bl
    call putdec
    mov al, 10
    call putc
    cmp bl, 'q'
    je .done
    jmp .rx
.timeout_check:
    cmp dword [ticks], TICK_LIMIT
    jb .rx
    PRINT {"timeout", 10}
.done:
    ; Input typed before the guest started can end it at tick 0: give the
    ; timer time for one tick (about 1 ms; this is 10 ms or more).
    mov ecx, 1000000
.wait_tick:
    cmp dword [ticks], 0
    jne .ticked
    loop .wait_tick
.ticked:
    cli
    mov eax, [ticks]
    test eax, eax
    setnz al
    movzx eax, al
    CHECK "the timer ticked", eax, 1
    ret

tick_isr:
    push eax
    inc dword [ticks]
    mov al, 0x20                    ; OCW2: non-specific EOI
    out PIC1, al
    pop eax
    iret

section .data
ticks: dd 0
