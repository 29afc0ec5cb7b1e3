; A DOS-era boot floppy (1.44 MB, built whole by nasm -f bin): SeaBIOS
; loads the boot sector from drive A: at 0x7c00; it reads 53 sectors back
; through the BIOS (INT 13h AH=02h: a partial track, the second head, and
; a track on the next cylinder, so the controller seeks), checks each
; sector's pattern (its LBA in the first word, the LBA's low byte after),
; says so on COM1 and exits through isa-debug-exit (status 1 = pass,
; 3 = fail).  The rest of the image is the same pattern for every sector.
bits 16
org 0x7c00

COM1    equ 0x3f8
BUF_SEG equ 0x1000

start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7c00
    sti
    mov [boot_drive], dl
    mov si, msg_start
    call puts
    mov ax, BUF_SEG
    mov es, ax
    ; LBA 1-17: cylinder 0, head 0, sectors 2-18
    xor bx, bx
    mov ax, 0x0211
    mov cx, 0x0002
    xor dh, dh
    call read
    ; LBA 18-35: cylinder 0, head 1, sectors 1-18
    mov bx, 17 * 512
    mov ax, 0x0212
    mov cx, 0x0001
    mov dh, 1
    call read
    ; LBA 36-53: cylinder 1, head 0, sectors 1-18
    mov bx, 35 * 512
    mov ax, 0x0212
    mov cx, 0x0101
    xor dh, dh
    call read
    ; every sector carries its LBA
    xor di, di
    mov dx, 1
    mov cx, 53
.check:
    cmp [es:di], dx
    jne fail
    cmp [es:di + 2], dl
    jne fail
    cmp [es:di + 511], dl
    jne fail
    add di, 512
    inc dx
    loop .check
    mov si, msg_ok
    call puts
    xor al, al
    out 0xf4, al           ; status 1: passed
    jmp $

fail:
    mov si, msg_fail
    call puts
    mov al, 1
    out 0xf4, al           ; status 3
    jmp $

; INT 13h AH=02h with the boot drive; up to three tries, as DOS does.
read:
    mov bp, 3
.again:
    push ax
    mov dl, [boot_drive]
    int 0x13
    jnc .done
    xor ax, ax             ; reset the drive, then retry
    int 0x13
    pop ax
    dec bp
    jnz .again
    jmp fail
.done:
    pop ax
    ret

; A line goes out with interrupts off: SeaBIOS's serial console flushes
; its own pending text from the timer interrupt, which would otherwise land
; in the middle of our line whenever the tick falls there.
puts:
    pushf
    cli
.next:
    lodsb
    test al, al
    jz .out
    mov ah, al
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20          ; THR empty
    jz .wait
    mov dx, COM1
    mov al, ah
    out dx, al
    jmp .next
.out:
    popf
    ret

msg_start db "floppy: booted", 13, 10, 0
msg_ok    db "floppy: 53 sectors read back through INT 13h", 13, 10, 0
msg_fail  db "floppy: FAILED", 13, 10, 0
boot_drive db 0

    times 510 - ($ - $$) db 0
    dw 0xaa55

%assign lba 1
%rep 2879
    dw lba
    times 510 db (lba & 0xff)
%assign lba lba + 1
%endrep
