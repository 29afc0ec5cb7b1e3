; VGA mode 13h programmed through the registers (no BIOS under multiboot)
; and four coloured quadrants drawn through the 0xa0000 window.  The
; picture is checked by test_vga_guest.c, which
; screendumps it through the monitor: with "vga-wait" on the command line
; (-append) the program halts after drawing instead of exiting, so the
; host can take its picture.  Without a VGA the writes go nowhere and the
; output is the same, so the x86_guest suite runs it too.
;
; Register values: the IBM VGA Technical Reference's mode 13h table (as
; FreeVGA lists it).
%include "lib.inc"
TEST_NAME "vga_mode13"

section .rodata
mode13_seq:  db 0x03, 0x01, 0x0f, 0x00, 0x0e
mode13_crtc: db 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00
             db 0x00, 0x00, 0x00, 0x00, 0x9c, 0x0e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff
mode13_gc:   db 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff
mode13_ac:   db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b
             db 0x0c, 0x0d, 0x0e, 0x0f, 0x41, 0x00, 0x0f, 0x00, 0x00
; DAC entries 1-4 (6-bit R, G, B): red, green, blue, white
palette:     db 63, 0, 0,  0, 63, 0,  0, 0, 63,  63, 63, 63
wait_token:  db "vga-wait"
section .text

; out index port dx, indexes 0..ecx-1 from esi (index then data at dx+1)
write_indexed:
    xor ebx, ebx
.next:
    mov al, bl
    mov ah, [esi + ebx]
    out dx, ax
    inc ebx
    cmp ebx, ecx
    jb .next
    ret

set_mode13:
    mov dx, 0x3c2
    mov al, 0x63
    out dx, al
    mov dx, 0x3c4
    mov esi, mode13_seq
    mov ecx, 5
    call write_indexed
    mov dx, 0x3d4                   ; unlock CR0-7 (CR11 bit 7) first
    mov ax, 0x0e11
    out dx, ax
    mov esi, mode13_crtc
    mov ecx, 25
    call write_indexed
    mov dx, 0x3ce
    mov esi, mode13_gc
    mov ecx, 9
    call write_indexed
    mov dx, 0x3da                   ; reset the attribute flip-flop
    in al, dx
    mov dx, 0x3c0
    xor ecx, ecx
.ac:
    mov al, cl
    out dx, al
    mov al, [mode13_ac + ecx]
    out dx, al
    inc ecx
    cmp ecx, 21
    jb .ac
    mov al, 0x20                    ; palette address source: display on
    out dx, al
    mov dx, 0x3c8                   ; DAC entries 1-4
    mov al, 1
    out dx, al
    mov dx, 0x3c9
    mov esi, palette
    mov ecx, 12
    rep outsb
    ret

; Quadrants of 320x200: colour 1 top left, 2 top right, 3 bottom left,
; 4 bottom right, and one pixel of colour 4 at (5, 7).
draw:
    mov edi, 0xa0000
    xor edx, edx                    ; y
.row:
    xor ecx, ecx                    ; x
.col:
    mov al, 1
    cmp ecx, 160
    jb .left
    inc al
.left:
    cmp edx, 100
    jb .top
    add al, 2
.top:
    mov [edi], al
    inc edi
    inc ecx
    cmp ecx, 320
    jb .col
    inc edx
    cmp edx, 200
    jb .row
    mov byte [0xa0000 + 7 * 320 + 5], 4
    ret

; ZF set when the multiboot command line holds "vga-wait".
cmdline_wants_wait:
    mov ebx, [mb_info]
    test dword [ebx], 4
    jz .no
    mov esi, [ebx + 16]
.scan:
    cmp byte [esi], 0
    je .no
    push esi
    mov edi, wait_token
    mov ecx, 8
    repe cmpsb
    pop esi
    je .yes
    inc esi
    jmp .scan
.no:
    or eax, 1                       ; clears ZF
    ret
.yes:
    xor eax, eax                    ; sets ZF
    ret

test_main:
    call set_mode13
    call draw
    PRINT {"vga_mode13: drawn", 10}
    call cmdline_wants_wait
    jne .done
.halt:
    cli
    hlt
    jmp .halt
.done:
    ret
