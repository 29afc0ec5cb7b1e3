; Real mode: leave protected mode and come back (SDM Vol 3 §9.9.2
; "Switching Back to Real-Address Mode", §9.9.1), then real-mode
; addressing (segment * 16 + offset), the IVT (SDM Vol 3 §20.1.4) for INT
; n and for #DE, and 32-bit operands through the 0x66 prefix.  The 16-bit
; code lives in .low (linked at 0x7000); results are stored there and
; checked back in protected mode.
%include "lib.inc"
TEST_NAME "realmode"

test_main:
    mov [saved_esp], esp
    mov eax, [gdt_ptr]
    mov [rm_gdtr], eax
    mov ax, [gdt_ptr + 4]
    mov [rm_gdtr + 4], ax
    ; 16-bit protected mode first: a code segment of 64 KiB at base 0.
    jmp SEL_CODE16:rm_entry
rm_back:
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, [saved_esp]
    lidt [idt_ptr]
    movzx eax, word [r_msw]
    and eax, 1
    CHECK "real mode: CR0.PE clear", eax, 0
    CHECK "real mode: 16-bit add wraps", dword [r_add], 0x00010001
    CHECK "real mode: es:0x10 is physical es*16+0x10", dword [0x5010], 0xbeef
    CHECK "real mode: ds:bx+si addressing", dword [r_load], 0xbeef
    CHECK "real mode: int 0x40 through the IVT", dword [r_int], 0x77
    CHECK "real mode: int pushes flags, cs, ip", dword [r_frame], 0
    CHECK "real mode: #DE through IVT vector 0", dword [r_de], 1
    CHECK "real mode: 32-bit operand prefix", dword [r_o32], 0x2468acf0
    CHECK "real mode: 32-bit address prefix", dword [r_a32], 0x5a5a
    CHECK "real mode: push/pop 16-bit", dword [r_stack], 2
    CHECK "back in protected mode", dword [r_done], 1
    ret

section .data
saved_esp: dd 0

section .low
bits 16
rm_entry:
    mov ax, SEL_DATA16
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov eax, cr0
    and eax, ~1
    mov cr0, eax
    jmp 0:rm_real
rm_real:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7000
    lidt [rm_ivt]
    smsw [r_msw]

    mov ax, 0xffff
    add ax, 2
    mov [r_add], ax
    adc word [r_add + 2], 0         ; CF from the add

    mov ax, 0x500
    mov es, ax
    mov word [es:0x10], 0xbeef
    mov bx, 0x5000
    mov si, 0x10
    mov ax, [bx + si]
    mov [r_load], ax
    xor ax, ax
    mov es, ax

    mov word [0x40 * 4], rm_int40
    mov word [0x40 * 4 + 2], 0
    mov bp, sp
    int 0x40
    sub bp, sp
    mov [r_frame], bp               ; 0: iret popped all three words

    mov word [0 * 4], rm_de_handler
    mov word [0 * 4 + 2], 0
    xor dx, dx
    mov ax, 1
    xor cx, cx
    div cx                          ; #DE: a fault, IP of the div is pushed
    mov eax, 0x12345678
    add eax, eax
    mov [r_o32], eax
    mov word [0x6010], 0x5a5a
    mov ebx, 0x6000
    mov ax, [ebx + 0x10]
    mov [r_a32], ax
    push word 1
    push word 2
    pop ax
    pop cx
    mov [r_stack], ax

    ; Back to protected mode (SDM Vol 3 §9.9.1): GDT, PE, far jump.
    cli
    o32 lgdt [rm_gdtr]
    mov eax, cr0
    or eax, 1
    mov cr0, eax
    mov byte [r_done], 1
    jmp dword SEL_CODE32:rm_back

rm_int40:
    mov word [r_int], 0x77
    iret

rm_de_handler:
    inc word [r_de]
    push bp
    mov bp, sp
    add word [bp + 2], 2            ; skip the 2-byte div cx
    pop bp
    iret

align 4
rm_ivt:
    dw 0x3ff
    dd 0
rm_gdtr: dw 0
    dd 0
r_msw: dd 0xffff
r_add: dd 0
r_load: dd 0
r_int: dd 0
r_frame: dd 0xffff
r_de: dd 0
r_o32: dd 0
r_a32: dd 0
r_stack: dd 0
r_done: dd 0
