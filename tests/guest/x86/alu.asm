; Integer ALU and flags: results and EFLAGS per SDM Vol 2 (each
; instruction's "Flags Affected"); undefined flags are masked out.
%include "lib.inc"
TEST_NAME "alu"

MASK_NO_AF equ EFLAGS_ARITH & ~EFLAGS_AF
MASK_CO equ EFLAGS_CF | EFLAGS_OF

test_main:
    mov eax, 0x7fffffff
    add eax, 1
    CHECK_FLAGS "add overflow flags", EFLAGS_ARITH, EFLAGS_OF | EFLAGS_SF | EFLAGS_AF | EFLAGS_PF
    CHECK "add result", eax, 0x80000000

    xor eax, eax
    sub eax, 1
    CHECK_FLAGS "sub borrow flags", EFLAGS_ARITH, EFLAGS_CF | EFLAGS_SF | EFLAGS_AF | EFLAGS_PF
    CHECK "sub result", eax, 0xffffffff

    stc
    mov eax, 1
    adc eax, 1
    CHECK_FLAGS "adc flags", EFLAGS_ARITH, EFLAGS_PF
    CHECK "adc adds CF", eax, 3

    stc
    mov eax, 5
    sbb eax, 2
    CHECK_FLAGS "sbb flags", EFLAGS_ARITH, 0
    CHECK "sbb subtracts CF", eax, 2

    mov eax, 0xf0f0f0f0
    and eax, 0x0ff00ff0
    CHECK_FLAGS "and flags", MASK_NO_AF, EFLAGS_PF
    CHECK "and result", eax, 0x00f000f0

    mov eax, 0x12345678
    or eax, 0x80000000
    CHECK_FLAGS "or flags", MASK_NO_AF, EFLAGS_SF | EFLAGS_PF
    CHECK "or result", eax, 0x92345678

    mov eax, 0x1234
    xor eax, eax
    CHECK_FLAGS "xor self flags", MASK_NO_AF, EFLAGS_ZF | EFLAGS_PF
    CHECK "xor self result", eax, 0

    stc
    mov eax, 0xffffffff
    inc eax
    CHECK_FLAGS "inc keeps CF", EFLAGS_ARITH, EFLAGS_CF | EFLAGS_ZF | EFLAGS_AF | EFLAGS_PF
    CHECK "inc wraps", eax, 0

    clc
    mov eax, 0x80000000
    dec eax
    CHECK_FLAGS "dec overflow flags", EFLAGS_ARITH, EFLAGS_OF | EFLAGS_AF | EFLAGS_PF
    CHECK "dec result", eax, 0x7fffffff

    mov eax, 5
    neg eax
    CHECK_FLAGS "neg flags", EFLAGS_ARITH, EFLAGS_CF | EFLAGS_SF | EFLAGS_AF
    CHECK "neg result", eax, 0xfffffffb

    xor eax, eax
    neg eax
    CHECK_FLAGS "neg 0 clears CF", EFLAGS_ARITH, EFLAGS_ZF | EFLAGS_PF

    mov eax, 3
    cmp eax, 5
    CHECK_FLAGS "cmp 3,5 flags", EFLAGS_ARITH, EFLAGS_CF | EFLAGS_SF | EFLAGS_AF
    CHECK "cmp leaves operand", eax, 3

    mov eax, 0x80000001
    shl eax, 1
    CHECK_FLAGS "shl 1 flags", MASK_NO_AF, EFLAGS_CF | EFLAGS_OF
    CHECK "shl result", eax, 2

    mov eax, 0x80000001
    shr eax, 1
    CHECK_FLAGS "shr 1 flags", MASK_NO_AF, EFLAGS_CF | EFLAGS_OF | EFLAGS_PF
    CHECK "shr result", eax, 0x40000000

    mov eax, 0x80000000
    sar eax, 4
    CHECK_FLAGS "sar 4 flags", EFLAGS_CF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_PF, EFLAGS_SF | EFLAGS_PF
    CHECK "sar result", eax, 0xf8000000

    mov eax, 0x80000000
    rol eax, 1
    CHECK_FLAGS "rol 1 flags", MASK_CO, EFLAGS_CF | EFLAGS_OF
    CHECK "rol result", eax, 1

    stc
    xor eax, eax
    stc
    rcr eax, 1
    CHECK_FLAGS "rcr 1 flags", MASK_CO, EFLAGS_OF
    CHECK "rcr rotates CF in", eax, 0x80000000

    mov eax, 0x12345678
    mov cl, 36                      ; count masked to 5 bits: 4
    rol eax, cl
    CHECK "rol by cl masks count", eax, 0x23456781

    mov eax, 0x10000
    mov ecx, 0x10000
    mul ecx
    CHECK_FLAGS "mul high half flags", MASK_CO, EFLAGS_CF | EFLAGS_OF
    CHECK "mul edx", edx, 1
    CHECK "mul eax", eax, 0

    mov ecx, 7
    imul eax, ecx, -3
    CHECK_FLAGS "imul no overflow", MASK_CO, 0
    CHECK "imul 3-operand", eax, -21

    mov eax, 0x40000000
    imul eax, eax, 4
    CHECK_FLAGS "imul overflow", MASK_CO, EFLAGS_CF | EFLAGS_OF

    mov eax, -5
    mov ecx, 3
    imul ecx
    CHECK "imul one-operand edx", edx, 0xffffffff
    CHECK "imul one-operand eax", eax, -15

    xor edx, edx
    mov eax, 100
    mov ecx, 7
    div ecx
    CHECK "div quotient", eax, 14
    CHECK "div remainder", edx, 2

    mov eax, -100
    cdq
    mov ecx, 7
    idiv ecx
    CHECK "idiv quotient", eax, -14
    CHECK "idiv remainder", edx, -2

    mov eax, 1000
    mov cl, 7
    div cl
    CHECK "div 8-bit al,ah", eax, (1000 % 7) << 8 | (1000 / 7)

    mov eax, 0x12345678
    add al, 0x90
    CHECK_FLAGS "add al flags", EFLAGS_ARITH, EFLAGS_CF
    CHECK "add al keeps upper bits", eax, 0x12345608

    mov eax, 0x1234ffff
    add ax, 1
    CHECK_FLAGS "add ax flags", EFLAGS_ARITH, EFLAGS_CF | EFLAGS_ZF | EFLAGS_AF | EFLAGS_PF
    CHECK "add ax keeps upper bits", eax, 0x12340000

    mov ecx, 0x00f00000
    bsf eax, ecx
    CHECK "bsf", eax, 20
    bsr eax, ecx
    CHECK "bsr", eax, 23

    mov eax, 0x10
    bt eax, 4
    CHECK_FLAGS "bt sets CF", EFLAGS_CF, EFLAGS_CF
    bts eax, 0
    CHECK_FLAGS "bts old bit in CF", EFLAGS_CF, 0
    CHECK "bts result", eax, 0x11
    btr eax, 4
    CHECK "btr result", eax, 1
    btc eax, 31
    CHECK "btc result", eax, 0x80000001

    mov eax, 5
    mov ecx, 5
    mov edx, 9
    cmpxchg ecx, edx
    CHECK_FLAGS "cmpxchg equal sets ZF", EFLAGS_ZF, EFLAGS_ZF
    CHECK "cmpxchg stores", ecx, 9
    cmpxchg ecx, edx
    CHECK_FLAGS "cmpxchg unequal clears ZF", EFLAGS_ZF, 0
    CHECK "cmpxchg loads eax", eax, 9

    mov eax, 3
    mov ecx, 4
    xadd ecx, eax
    CHECK "xadd sum", ecx, 7
    CHECK "xadd old value", eax, 4

    mov ecx, 0x80
    movsx eax, cl
    CHECK "movsx", eax, 0xffffff80
    movzx eax, cl
    CHECK "movzx", eax, 0x80
    mov ecx, 0x8000
    movsx eax, cx
    CHECK "movsx word", eax, 0xffff8000

    mov ecx, 3
    lea eax, [ecx * 4 + ecx + 7]
    CHECK "lea", eax, 22

    mov eax, 0x79
    add al, 0x35
    daa
    CHECK_FLAGS "daa carry", EFLAGS_CF, EFLAGS_CF
    CHECK "daa result", eax, 0x14

    mov eax, 0x0009
    add al, 3
    aaa
    CHECK "aaa result", eax, 0x0102

    mov eax, 1
    cmp eax, 2
    setl bl
    setg bh
    movzx ecx, bx
    CHECK "setl/setg", ecx, 0x0001

    mov eax, 1
    mov ecx, 2
    cmp eax, ecx
    cmovb eax, ecx
    CHECK "cmovb taken", eax, 2
    cmova eax, ebx
    CHECK "cmova not taken", eax, 2

    mov eax, 0x12345678
    mov edx, 0x9abcdef0
    shld eax, edx, 8
    CHECK "shld", eax, 0x3456789a
    shrd eax, edx, 4
    CHECK "shrd", eax, 0x03456789

    mov eax, 0x12345678
    bswap eax
    CHECK "bswap", eax, 0x78563412

    mov eax, 0x8000
    cwde
    CHECK "cwde", eax, 0xffff8000

    mov al, 0x40
    test al, 0x40
    CHECK_FLAGS "test flags", MASK_NO_AF, 0
    not eax
    CHECK "not", eax, 0x00007fbf

    xor eax, eax
    lahf
    shr eax, 8
    and eax, 0xd5
    CHECK "lahf", eax, EFLAGS_ZF | EFLAGS_PF
    ret
