; Flag-heavy integer instructions beyond alu.asm (SDM Vol 2 for each):
; BCD adjust (DAS, AAM, AAD, AAM 0 -> #DE), SHLD/SHRD (count masking, 16
; bit, count 0), multi-bit RCL/RCR (8-bit count mod 9), BT* with memory
; bit offsets (negative, beyond the dword), BSF/BSR of 0, CMPXCHG (8-bit,
; CMP flags), CMPXCHG8B, XADD to memory, LAHF/SAHF, every SETcc and
; CMOVcc condition.
%include "lib.inc"
TEST_NAME "flags"

; setcc_mask FLAGS: EAX = bit cc set for each condition cc true with
; EFLAGS = FLAGS (SETcc into cc_bytes, then packed).
%macro SETCC_ALL 0
    seto [cc_bytes + 0]
    setno [cc_bytes + 1]
    setb [cc_bytes + 2]
    setae [cc_bytes + 3]
    sete [cc_bytes + 4]
    setne [cc_bytes + 5]
    setbe [cc_bytes + 6]
    seta [cc_bytes + 7]
    sets [cc_bytes + 8]
    setns [cc_bytes + 9]
    setp [cc_bytes + 10]
    setnp [cc_bytes + 11]
    setl [cc_bytes + 12]
    setge [cc_bytes + 13]
    setle [cc_bytes + 14]
    setg [cc_bytes + 15]
%endmacro
; The same through CMOVcc: cc_bytes[cc] = 1 if the move happened.
%macro CMOV_ONE 2
    mov ecx, 0
    cmov%1 ecx, [one]
    mov [cc_bytes + %2], cl
%endmacro
%macro CMOV_ALL 0
    CMOV_ONE o, 0
    CMOV_ONE no, 1
    CMOV_ONE b, 2
    CMOV_ONE ae, 3
    CMOV_ONE e, 4
    CMOV_ONE ne, 5
    CMOV_ONE be, 6
    CMOV_ONE a, 7
    CMOV_ONE s, 8
    CMOV_ONE ns, 9
    CMOV_ONE p, 10
    CMOV_ONE np, 11
    CMOV_ONE l, 12
    CMOV_ONE ge, 13
    CMOV_ONE le, 14
    CMOV_ONE g, 15
%endmacro

%macro CC_CASE 2                    ; flags, expected mask
    push dword %1 | 2
    popfd
    SETCC_ALL
    call pack_cc
    CHECK "setcc with eflags ", eax, %2
    push dword %1 | 2
    popfd
    CMOV_ALL
    call pack_cc
    CHECK "cmovcc with eflags ", eax, %2
%endmacro

test_main:
    CC_CASE 0, 0xaaaa
    CC_CASE EFLAGS_CF | EFLAGS_ZF | EFLAGS_SF, 0x5956
    CC_CASE EFLAGS_OF | EFLAGS_SF | EFLAGS_PF, 0xa5a9
    CC_CASE EFLAGS_OF, 0x5aa9

    ; DAS: 0x35 - 0x47 = 0xee -> BCD 88 with borrow.
    mov al, 0x35
    sub al, 0x47
    das
    CHECK_FLAGS "das flags (CF AF SF)", EFLAGS_CF | EFLAGS_AF | EFLAGS_SF, EFLAGS_CF | EFLAGS_AF | EFLAGS_SF
    movzx eax, al
    CHECK "das result", eax, 0x88
    ; AAM / AAD with base 10 and 16.
    mov eax, 0x3f
    aam
    CHECK "aam 10", eax, 0x0603
    mov eax, 0x3f
    aam 16
    CHECK "aam 16", eax, 0x030f
    mov eax, 0xffff0603
    aad
    CHECK "aad 10", eax, 0xffff003f
    mov eax, 0x0603
    aad 16
    CHECK "aad 16", eax, 0x0063
    mov eax, 0x100
    aam
    CHECK_FLAGS "aam of 0 sets ZF PF", EFLAGS_ZF | EFLAGS_PF | EFLAGS_SF, EFLAGS_ZF | EFLAGS_PF
    TRY .aam0_done
.aam0:
    aam 0
.aam0_done:
    CHECK "aam 0 raises #DE", dword [fault_vec], 0
    CHECK "aam 0 #DE at the instruction", dword [fault_eip], .aam0

    ; SHLD/SHRD.
    mov eax, 0x12345678
    mov edx, 0x9abcdef0
    shld eax, edx, 4
    CHECK_FLAGS "shld 4 CF = bit 28", EFLAGS_CF, EFLAGS_CF
    CHECK "shld 4", eax, 0x23456789
    mov eax, 0x12345678
    shrd eax, edx, 8
    CHECK_FLAGS "shrd 8 CF = bit 7", EFLAGS_CF, 0
    CHECK "shrd 8", eax, 0xf0123456
    mov eax, 0x12345678
    mov cl, 33                      ; masked to 1
    shld eax, edx, cl
    CHECK "shld count masked to 5 bits", eax, 0x2468acf1
    mov eax, 0xffff1234
    mov edx, 0xabcd
    shld ax, dx, 4
    CHECK "shld 16-bit", eax, 0xffff234a
    mov dword [mem], 0x80000001
    mov edx, 0
    shrd [mem], edx, 1
    CHECK "shrd to memory", dword [mem], 0x40000000
    CHECK_FLAGS "shrd 1 CF and OF", EFLAGS_CF | EFLAGS_OF, EFLAGS_CF | EFLAGS_OF
    mov eax, 0x1234
    stc
    mov cl, 0
    shld eax, edx, cl
    CHECK_FLAGS "shld count 0 keeps CF", EFLAGS_CF, EFLAGS_CF
    CHECK "shld count 0 keeps dest", eax, 0x1234

    ; RCL/RCR multi-bit: 33-bit rotate through CF.
    mov eax, 0x80000000
    stc
    rcl eax, 4
    CHECK_FLAGS "rcl 4 CF", EFLAGS_CF, 0
    CHECK "rcl 4 through CF", eax, 0x0000000c
    mov eax, 0x00000011
    clc
    rcr eax, 5
    CHECK_FLAGS "rcr 5 CF = bit 4", EFLAGS_CF, EFLAGS_CF
    CHECK "rcr 5 through CF", eax, 0x10000000
    mov eax, 0x81
    stc
    mov cl, 9
    rcl al, cl                      ; 9 mod 9 = 0: nothing moves
    CHECK_FLAGS "rcl al, 9 keeps CF", EFLAGS_CF, EFLAGS_CF
    CHECK "rcl al, 9 is a no-op", eax, 0x81
    mov eax, 0x81
    clc
    mov cl, 10
    rcl al, cl                      ; 10 mod 9 = 1
    CHECK_FLAGS "rcl al, 10 CF", EFLAGS_CF, EFLAGS_CF
    CHECK "rcl al, 10 rotates once", eax, 0x02
    mov eax, 0x8000
    clc
    mov cl, 17
    rcr ax, cl                      ; 17 mod 17 = 0
    CHECK "rcr ax, 17 is a no-op", eax, 0x8000
    mov eax, 1
    clc
    rcr al, 1
    CHECK_FLAGS "rcr al, 1 CF and OF", EFLAGS_CF | EFLAGS_OF, EFLAGS_CF
    CHECK "rcr al, 1 result", eax, 0

    ; BT* with memory operands and register bit offsets.
    mov dword [bits_area], 0
    mov dword [bits_area + 4], 0
    mov dword [bits_area + 8], 0
    mov dword [bits_area + 12], 0x10
    mov eax, 100                    ; byte 12, bit 4
    bt [bits_area], eax
    CHECK_FLAGS "bt mem, reg beyond the dword", EFLAGS_CF, EFLAGS_CF
    mov eax, 65
    bts [bits_area], eax
    CHECK "bts mem, reg sets bit 65", dword [bits_area + 8], 2
    mov eax, -1                     ; bit 7 of the byte before
    bts [bits_area], eax
    CHECK_FLAGS "bts negative offset old bit", EFLAGS_CF, 0
    CHECK "bts negative offset", dword [bits_area - 4], 0x80000000
    mov ax, -9                      ; 16-bit: bit 7 of the word 2 words below
    btc word [bits_area], ax
    CHECK "btc word negative offset", dword [bits_area - 4], 0x80800000
    bt dword [bits_area + 8], 33    ; immediate masked to 5 bits: bit 1
    CHECK_FLAGS "bt mem, imm masks the offset", EFLAGS_CF, EFLAGS_CF
    mov eax, 100
    btr [bits_area], eax
    CHECK_FLAGS "btr old bit", EFLAGS_CF, EFLAGS_CF
    CHECK "btr clears", dword [bits_area + 12], 0

    ; BSF/BSR: ZF=1 on a zero source; 16-bit forms.
    mov ecx, 0
    bsf eax, ecx
    CHECK_FLAGS "bsf 0 sets ZF", EFLAGS_ZF, EFLAGS_ZF
    mov ecx, 0x00f0
    mov eax, 0xffffffff
    bsr ax, cx
    CHECK_FLAGS "bsr nonzero clears ZF", EFLAGS_ZF, 0
    CHECK "bsr 16-bit", eax, 0xffff0007
    bsf eax, [bsf_src]
    CHECK "bsf memory", eax, 31

    ; CMPXCHG: flags of CMP accumulator, dest.
    mov byte [mem], 7
    mov al, 5
    mov cl, 9
    cmpxchg [mem], cl
    CHECK_FLAGS "cmpxchg byte unequal: flags of 5-7", EFLAGS_ARITH, EFLAGS_CF | EFLAGS_SF | EFLAGS_AF
    movzx eax, al
    CHECK "cmpxchg byte loads al", eax, 7
    mov al, 7
    cmpxchg [mem], cl
    movzx eax, byte [mem]
    CHECK "cmpxchg byte equal stores", eax, 9
    ; CMPXCHG8B.
    mov dword [mem], 0x11111111
    mov dword [mem + 4], 0x22222222
    mov eax, 0x11111111
    mov edx, 0x22222222
    mov ebx, 0x33333333
    mov ecx, 0x44444444
    cmpxchg8b [mem]
    CHECK_FLAGS "cmpxchg8b equal sets ZF", EFLAGS_ZF, EFLAGS_ZF
    CHECK "cmpxchg8b stores ecx:ebx low", dword [mem], 0x33333333
    CHECK "cmpxchg8b stores ecx:ebx high", dword [mem + 4], 0x44444444
    mov eax, 0
    mov edx, 0
    cmpxchg8b [mem]
    CHECK_FLAGS "cmpxchg8b unequal clears ZF", EFLAGS_ZF, 0
    CHECK "cmpxchg8b loads eax", eax, 0x33333333
    CHECK "cmpxchg8b loads edx", edx, 0x44444444
    TRY .c8b_done
    db 0x0f, 0xc7, 0xc8             ; cmpxchg8b eax: register operand, #UD
.c8b_done:
    CHECK "cmpxchg8b with a register raises #UD", dword [fault_vec], 6
    ; XADD to memory, byte.
    mov byte [mem], 0xff
    mov cl, 2
    xadd [mem], cl
    CHECK_FLAGS "xadd byte flags (CF ZF clear)", EFLAGS_CF | EFLAGS_ZF, EFLAGS_CF
    movzx eax, byte [mem]
    CHECK "xadd byte sum", eax, 1
    movzx ecx, cl
    CHECK "xadd byte old", ecx, 0xff

    ; LAHF/SAHF: SF ZF AF PF CF only; OF untouched.
    mov al, 0x7f
    add al, 1                       ; OF=1
    mov ah, 0xd5
    sahf
    CHECK_FLAGS "sahf loads SF ZF AF PF CF", EFLAGS_ARITH, EFLAGS_ARITH
    xor eax, eax
    push dword 2
    popfd
    lahf
    CHECK "lahf with clear flags (bit 1 set)", eax, 0x0200
    ret

; pack_cc: EAX = sum of cc_bytes[i] << i.
pack_cc:
    push ecx
    xor eax, eax
    mov ecx, 15
.next:
    shl eax, 1
    or al, [cc_bytes + ecx]
    dec ecx
    jns .next
    pop ecx
    ret

section .data
align 4
one: dd 1
bsf_src: dd 0x80000000
mem: dd 0, 0
cc_bytes: times 16 db 0
    dd 0
bits_area: dd 0, 0, 0, 0
