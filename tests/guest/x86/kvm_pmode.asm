; kvm_pmode: 32-bit protected mode as -accel kvm must run it, with the
; same output as -accel jit (tests/unit/test_kvm.c compares them): ring 3
; through SYSEXIT and back through SYSENTER (SDM Vol 2 SYSENTER/SYSEXIT),
; compute loops in ring 3, a #GP with its error code,
; CPUID and MSRs as KVM_SET_CPUID2/KVM_SET_MSRS gave them, string port I/O
; (one KVM exit with several items) and reads of unmapped physical memory
; (MMIO exits: all ones, writes dropped).
; QEMU-DIFFERS: QEMU reads unassigned memory as 0, a PC bus floats high.
;
; Ring-0 code avoids IRET and the x87: on nested PVM hosts ring 0 is
; emulated by KVM's instruction emulator, which has neither; faults are
; left by reloading ESP and jumping (fault_resume_esp below).  Ring 3
; leaves through SYSENTER only: such hosts turn INT n in 32-bit ring 3
; into #UD.
%include "lib.inc"
TEST_NAME "kvm_pmode"

ITERS equ 100000
UNMAPPED equ 0xd0000000             ; nothing there on a PC: reads float high
MSR_SYSENTER_CS equ 0x174
MSR_SYSENTER_ESP equ 0x175
MSR_SYSENTER_EIP equ 0x176

test_main:
    mov [saved_esp], esp
    mov ecx, 13
    mov eax, gp_handler
    mov dl, 0x8e
    call set_idt_gate
    xor edx, edx
    mov ecx, MSR_SYSENTER_CS
    mov eax, SEL_CODE32
    wrmsr
    mov ecx, MSR_SYSENTER_ESP
    mov eax, sysenter_stack_top
    wrmsr
    mov ecx, MSR_SYSENTER_EIP
    mov eax, sysenter_entry
    wrmsr

    ; Round 1: SYSEXIT to ring 3 (CS = SYSENTER_CS + 16, SS = + 24, RPL 3;
    ; EIP = EDX, ESP = ECX), back through SYSENTER.
    mov dword [sysenter_back], after_round1
    mov edx, user_xorshift
    mov ecx, user_stack_top
    sysexit
after_round1:
    CHECK "ring 3 xorshift32 final", dword [r_final], 0x0bb69297
    CHECK "ring 3 xorshift32 sum", dword [r_sum], 0xb0546c09
    CHECK "ring 3 CS (SYSEXIT: SYSENTER_CS + 16, RPL 3)", dword [r_ucs], SEL_CODE32 + 16 + 3
    CHECK "ring 3 SS (SYSENTER_CS + 24, RPL 3)", dword [r_uss], SEL_CODE32 + 24 + 3
    CHECK "SYSENTER: CS = SYSENTER_CS", dword [r_kcs], SEL_CODE32
    CHECK "SYSENTER: SS = SYSENTER_CS + 8", dword [r_kss], SEL_CODE32 + 8
    CHECK "SYSENTER: ESP = SYSENTER_ESP", dword [r_kesp], sysenter_stack_top

    ; Round 2: another kernel in ring 3.
    mov dword [sysenter_back], after_round2
    mov edx, user_lcg
    mov ecx, user_stack_top
    sysexit
after_round2:
    CHECK "ring 3 LCG result", dword [r_final], 0x844dc861

    ; MSRs read back, CPUID of doppel's model (or the host's).
    mov ecx, MSR_SYSENTER_EIP
    rdmsr
    CHECK "rdmsr SYSENTER_EIP", eax, sysenter_entry
    xor eax, eax
    cpuid
    CHECK "cpuid 0: vendor EBX", ebx, 0x756e6547
    mov eax, 1
    cpuid
    and edx, 1 << 11                ; SEP
    CHECK "cpuid 1: SEP", edx, 1 << 11

    ; #GP(selector) from a bad segment load (SDM Vol 3 §6.15 "Interrupt 13").
    mov dword [fault_resume_eip], .after_gp
    mov [fault_resume_esp], esp
    mov ax, 0x1234
    mov ds, ax
.after_gp:
    mov ax, SEL_DATA32
    mov ds, ax
    CHECK "mov ds, 0x1234: #GP", dword [r_gp_count], 1
    CHECK "#GP error code: the selector, TI set", dword [r_gp_err], 0x1234

    ; String I/O: several items in one exit.
    mov esi, msg_outs
    mov ecx, msg_outs_len
    mov dx, COM1
    rep outsb
    mov edi, r_ins
    mov ecx, 4
    mov dx, COM1 + 5                ; LSR: transmitter empty, no data
    rep insb
    CHECK "rep insb from LSR", dword [r_ins], 0x60606060

    ; Unmapped physical memory (an MMIO exit under KVM).
    mov eax, [UNMAPPED]
    CHECK "unmapped dword reads all ones", eax, 0xffffffff
    mov dword [UNMAPPED], 0x12345678
    mov eax, [UNMAPPED]
    CHECK "write to unmapped memory dropped", eax, 0xffffffff
    movzx eax, word [UNMAPPED + 6]
    CHECK "unmapped word reads all ones", eax, 0xffff
    ret

; SYSENTER from ring 3: results in EAX, EBX, the ring-3 selectors in
; ESI, EDI; ring 0 on SYSENTER_ESP.
sysenter_entry:
    mov [r_final], eax
    mov [r_sum], ebx
    mov [r_ucs], esi
    mov [r_uss], edi
    mov [r_kesp], esp
    xor eax, eax
    mov ax, cs
    mov [r_kcs], eax
    mov ax, ss
    mov [r_kss], eax
    mov esp, [saved_esp]
    jmp [sysenter_back]

; #GP: count it, keep the error code, resume without IRET.
gp_handler:
    inc dword [r_gp_count]
    mov eax, [esp]
    mov [r_gp_err], eax
    mov esp, [fault_resume_esp]
    jmp [fault_resume_eip]

; Ring 3: registers only (the data segments are still DPL 0 ones).
user_xorshift:
    mov eax, 2463534242
    xor ebx, ebx
    mov ecx, ITERS
.loop:
    mov edx, eax
    shl edx, 13
    xor eax, edx
    mov edx, eax
    shr edx, 17
    xor eax, edx
    mov edx, eax
    shl edx, 5
    xor eax, edx
    add ebx, eax
    dec ecx
    jnz .loop
    jmp user_return

; Back to ring 0 with the selectors ring 3 ran with.
user_return:
    xor esi, esi
    mov si, cs
    xor edi, edi
    mov di, ss
    sysenter

user_lcg:
    mov eax, 1
    mov ecx, ITERS
.loop:
    imul eax, eax, 1103515245
    add eax, 12345
    dec ecx
    jnz .loop
    jmp user_return

section .rodata
msg_outs: db "rep outsb reaches COM1", 10
msg_outs_len equ $ - msg_outs

section .data
saved_esp: dd 0
fault_resume_eip: dd 0
fault_resume_esp: dd 0
r_final: dd 0
r_sum: dd 0
sysenter_back: dd 0
r_ucs: dd 0
r_uss: dd 0
r_kcs: dd 0
r_kss: dd 0
r_kesp: dd 0
r_gp_count: dd 0
r_gp_err: dd 0
r_ins: dd 0

section .bss
alignb 16
resb 1024
sysenter_stack_top:
resb 1024
user_stack_top:
