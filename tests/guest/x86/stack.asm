; Stack and calls: PUSH/POP forms, CALL/RET (near, far, indirect, RET n),
; ENTER/LEAVE, PUSHAD/POPAD, PUSHFD/POPFD (SDM Vol 2 under each).
%include "lib.inc"
TEST_NAME "stack"

test_main:
    mov ebp, esp
    push dword 0x11223344
    mov eax, ebp
    sub eax, esp
    CHECK "push dword moves esp by 4", eax, 4
    mov eax, [esp]
    CHECK "pushed value", eax, 0x11223344
    push word 0x5566
    mov eax, ebp
    sub eax, esp
    CHECK "push word moves esp by 2", eax, 6
    pop ax
    pop ecx
    movzx eax, ax
    CHECK "pop word", eax, 0x5566
    CHECK "pop dword", ecx, 0x11223344
    push byte -2                    ; sign-extended imm8
    pop eax
    CHECK "push imm8 sign-extends", eax, 0xfffffffe

    ; PUSH ESP pushes the value before the push.
    mov ebx, esp
    push esp
    pop eax
    sub eax, ebx
    CHECK "push esp pushes old esp", eax, 0
    ; POP ESP: the popped value becomes esp.
    mov ebx, esp
    lea eax, [esp - 100]
    push eax
    pop esp
    mov eax, esp
    mov esp, ebx
    sub ebx, eax
    CHECK "pop esp loads esp", ebx, 100
    ; POP [ESP+4] uses esp after the pop as the base.
    push dword 0
    push dword 0
    push dword 0xabcd
    pop dword [esp + 4]
    pop eax
    pop ecx
    CHECK "pop mem uses incremented esp", ecx, 0xabcd

    ; Segment register push: a 32-bit push of DS (its upper half is not
    ; checked: SDM Vol 2 PUSH leaves it implementation specific).
    push ds
    pop eax
    and eax, 0xffff
    CHECK "push ds", eax, SEL_DATA32

    mov eax, 1
    mov ecx, 2
    mov edx, 3
    mov ebx, 4
    mov esi, 6
    mov edi, 7
    mov ebp, esp
    pushad
    mov eax, [esp + 28]
    CHECK "pushad eax slot", eax, 1
    mov eax, [esp]
    CHECK "pushad edi slot", eax, 7
    mov eax, [esp + 12]
    sub eax, ebp
    CHECK "pushad saves original esp", eax, 0
    mov dword [esp + 28], 0x55
    mov dword [esp + 12], 0         ; ignored by popad
    popad
    CHECK "popad loads eax", eax, 0x55
    mov eax, esp
    sub eax, ebp
    CHECK "popad skips esp", eax, 0

    call near_func
    CHECK "call/ret", eax, 0x1234
    mov eax, near_func
    call eax
    CHECK "call reg", eax, 0x1234
    call [func_ptr]
    CHECK "call mem", eax, 0x1234
    mov ebx, esp
    push dword 5
    push dword 6
    call ret_imm_func
    mov ecx, esp
    sub ecx, ebx
    CHECK "ret 8 pops arguments", ecx, 0
    CHECK "ret 8 result", eax, 11

    ; The return address is the instruction after the call.
    call .here
.here:
    pop eax
    CHECK "call pushes next eip", eax, .here

    ; Far call through the GDT code selector; RETF pops EIP and CS.
    call SEL_CODE32:far_func
    CHECK "far call/retf", eax, 0x4321
    CHECK "far call pushed cs", ecx, SEL_CODE32
    call far [far_ptr]
    CHECK "far call mem", eax, 0x4321

    ; ENTER 8,0 / LEAVE.
    mov ebp, 0x1111
    mov ebx, esp
    enter 8, 0
    mov eax, ebx
    sub eax, esp
    CHECK "enter 8,0 allocates", eax, 12
    mov eax, ebx
    sub eax, ebp
    CHECK "enter sets ebp", eax, 4
    leave
    CHECK "leave restores ebp", ebp, 0x1111
    mov eax, ebx
    sub eax, esp
    CHECK "leave restores esp", eax, 0
    ; ENTER with nesting level 2 copies one frame pointer and pushes ebp.
    mov ebp, esp
    sub esp, 16
    mov dword [ebp - 4], 0
    mov ebx, ebp
    enter 4, 2
    mov eax, [esp + 4]
    sub eax, ebp
    CHECK "enter level 2 pushes frame ptr", eax, 0
    mov eax, [esp + 8]
    sub eax, [ebx - 4]
    CHECK "enter level 2 copies outer frame ptr", eax, 0 ; copied from [ebp-4]
    leave
    mov esp, ebp

    ; PUSHFD / POPFD: DF and an arithmetic flag through the stack.
    pushfd
    pop eax
    or eax, 0x400 | EFLAGS_CF
    push eax
    popfd
    pushfd
    pop ecx
    and ecx, 0x400 | EFLAGS_CF
    CHECK "popfd loads DF and CF", ecx, 0x401
    cld
    clc
    ret

near_func:
    mov eax, 0x1234
    ret

ret_imm_func:
    mov eax, [esp + 4]
    add eax, [esp + 8]
    ret 8

far_func:
    mov eax, 0x4321
    mov ecx, [esp + 4]
    and ecx, 0xffff
    retf

section .data
func_ptr: dd near_func
far_ptr: dd far_func
    dw SEL_CODE32
