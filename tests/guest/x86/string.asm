; String instructions with REP prefixes (SDM Vol 2 MOVS, STOS, LODS, CMPS,
; SCAS, REP/REPE/REPNE): counts, direction, termination conditions.
%include "lib.inc"
TEST_NAME "string"

test_main:
    ; REP MOVSB forward: 11 bytes, ESI/EDI/ECX after.
    mov esi, src
    mov edi, dst
    mov ecx, 11
    rep movsb
    CHECK "rep movsb ecx", ecx, 0
    mov eax, esi
    sub eax, src
    CHECK "rep movsb esi", eax, 11
    mov eax, edi
    sub eax, dst
    CHECK "rep movsb edi", eax, 11
    CHECK "rep movsb data", dword [dst + 4], 'o wo'
    CHECK "rep movsb last byte", dword [dst + 8], 'rld' | 0 << 24

    ; REP STOSD.
    mov edi, buf
    mov eax, 0xa5a5a5a5
    mov ecx, 16
    rep stosd
    CHECK "rep stosd first", dword [buf], 0xa5a5a5a5
    CHECK "rep stosd last", dword [buf + 60], 0xa5a5a5a5
    CHECK "rep stosd stops", dword [buf + 64], 0

    ; REP with ECX = 0 does nothing.
    mov edi, buf
    xor ecx, ecx
    xor eax, eax
    rep stosb
    CHECK "rep ecx=0 no store", dword [buf], 0xa5a5a5a5
    mov eax, edi
    sub eax, buf
    CHECK "rep ecx=0 edi unchanged", eax, 0

    ; STD: backwards copy of overlapping words (memmove up by 2).
    mov dword [buf], 0x44332211
    mov dword [buf + 4], 0x88776655
    std
    lea esi, [buf + 4]
    lea edi, [buf + 6]
    mov ecx, 3
    rep movsw
    cld
    CHECK "std rep movsw", dword [buf + 4], 0x66554433
    CHECK "std rep movsw low", dword [buf], 0x22112211
    mov eax, esi
    sub eax, buf
    CHECK "std esi decrements", eax, -2

    ; REPE CMPSB stops after the first difference.
    mov esi, src
    mov edi, src2
    mov ecx, 11
    repe cmpsb
    CHECK_FLAGS "repe cmpsb ZF clear", EFLAGS_ZF, 0
    CHECK "repe cmpsb ecx", ecx, 11 - 8
    mov eax, esi
    sub eax, src
    CHECK "repe cmpsb esi past mismatch", eax, 8

    ; REPNE SCASB finds a byte.
    mov edi, src
    mov al, 'w'
    mov ecx, 100
    repne scasb
    CHECK_FLAGS "repne scasb found", EFLAGS_ZF, EFLAGS_ZF
    CHECK "repne scasb ecx", ecx, 100 - 7
    ; and runs out of count when it is absent.
    mov edi, src
    mov al, 'z'
    mov ecx, 11
    repne scasb
    CHECK_FLAGS "repne scasb absent", EFLAGS_ZF, 0
    CHECK "repne scasb count exhausted", ecx, 0

    ; LODSD / LODSW.
    mov esi, src
    lodsd
    CHECK "lodsd", eax, 'hell'
    lodsw
    and eax, 0xffff
    CHECK "lodsw", eax, 'o '

    ; MOVSD with segment override on the source (ES is the fixed
    ; destination segment).
    mov esi, src
    mov edi, buf
    fs movsd
    CHECK "fs movsd", dword [buf], 'hell'

    ; 16-bit address size: SI/DI/CX wrap within 64K (addresses below 64K).
    mov dword [0x5000], 0x01020304
    mov esi, 0xffff5000             ; upper halves ignored with a16
    mov edi, 0xffff5010
    mov ecx, 0xffff0002
    a16 rep movsw
    CHECK "a16 rep movsw data", dword [0x5010], 0x01020304
    CHECK "a16 rep movsw cx", ecx, 0xffff0000
    CHECK "a16 rep movsw si", esi, 0xffff5004
    ret

section .data
src: db "hello world", 0
src2: db "hello wXrld", 0
dst: times 16 db 0
buf: times 80 db 0
