; Hardware task switching (SDM Vol 3 §7.3 "Task Switching", §7.4 "Task
; Linking"): JMP and CALL to a TSS descriptor and through a task gate,
; IRET back with NT, the busy bits, the back link, CR0.TS set by every
; switch, the outgoing state saved in the old TSS, #GP for a JMP to a
; busy TSS, a #DF handled by a task through a task gate in the IDT (with
; its error code pushed on the new task's stack), and a 16-bit TSS.
%include "lib.inc"
TEST_NAME "task"

SEL_TSS_A equ SEL_TSS               ; the test's own task
SEL_TSS_B equ SEL_TSS2
SEL_TSS_C equ SEL_SPARE             ; the #DF task
SEL_GATE_B equ SEL_SPARE + 8        ; task gate to B
SEL_TSS_D equ SEL_SPARE + 16        ; 16-bit TSS
SEL_NP equ SEL_SPARE + 24           ; a not-present data segment
EFLAGS_NT equ 0x4000

; TSS32 tss, eip, esp: a runnable flat 32-bit task.
%macro TSS32 3
    mov dword [%1 + 32], %2
    mov dword [%1 + 36], 2
    mov dword [%1 + 56], %3
    mov dword [%1 + 72], SEL_DATA32
    mov dword [%1 + 76], SEL_CODE32
    mov dword [%1 + 80], SEL_DATA32
    mov dword [%1 + 84], SEL_DATA32
    mov dword [%1 + 88], SEL_DATA32
    mov dword [%1 + 92], SEL_DATA32
    mov word [%1 + 102], 104
%endmacro
%macro DESC 4                       ; selector, base, limit, access
    mov edi, %1
    mov eax, %2
    mov ebx, %3
    mov ecx, %4
    call set_gdt_desc
%endmacro
%macro TYPE_OF 1                    ; EAX := access byte of GDT entry
    movzx eax, byte [gdt + %1 + 5]
%endmacro

test_main:
    mov word [tss_a + 102], 104
    TSS32 tss_b, task_b, b_stack_top
    TSS32 tss_c, task_c, c_stack_top
    DESC SEL_TSS_A, tss_a, 103, 0x89
    DESC SEL_TSS_B, tss_b, 103, 0x89
    DESC SEL_TSS_C, tss_c, 103, 0x89
    DESC SEL_TSS_D, tss_d, 43, 0x81 ; 16-bit TSS, available
    DESC SEL_NP, 0, 0xfffff, 0x12   ; data, P = 0
    mov dword [gdt + SEL_GATE_B], SEL_TSS_B << 16
    mov dword [gdt + SEL_GATE_B + 4], 0x8500
    ; 16-bit TSS: IP, FLAGS, AX, SP, ES CS SS DS.
    mov word [tss_d + 14], task_d
    mov word [tss_d + 16], 2
    mov word [tss_d + 18], 0x1111
    mov word [tss_d + 26], 0x6ff0
    mov word [tss_d + 34], SEL_DATA32
    mov word [tss_d + 36], SEL_CODE32
    mov word [tss_d + 38], SEL_DATA16
    mov word [tss_d + 40], SEL_DATA32
    mov ax, SEL_TSS_A
    ltr ax
    TYPE_OF SEL_TSS_A
    CHECK "ltr marks the TSS busy", eax, 0x8b

    ; JMP: no link, no NT; the old task is no longer busy.
    mov esi, 0x1234abcd
    jmp SEL_TSS_B:0
.after_jmp:
    CHECK "jmp back restores the saved registers", esi, 0x1234abcd
    CHECK "the old TSS holds the EIP after the jmp", dword [tss_a + 32], .after_jmp
    CHECK "jmp: TR is the new TSS", dword [b1_tr], SEL_TSS_B
    CHECK "jmp: NT clear in the new task", dword [b1_nt], 0
    CHECK "jmp: the old task not busy", dword [b1_a_type], 0x89
    CHECK "jmp: the new task busy", dword [b1_b_type], 0x8b
    CHECK "task switch sets CR0.TS", dword [b1_ts], 8
    TYPE_OF SEL_TSS_B
    CHECK "jmp away clears B busy", eax, 0x89
    mov eax, cr0
    and eax, 8
    CHECK "switching back also set CR0.TS", eax, 8
    clts

    ; CALL: back link, NT, both busy; IRET returns.
    call SEL_TSS_B:0
    CHECK "call: back link to the caller", dword [b2_link], SEL_TSS_A
    CHECK "call: NT set in the new task", dword [b2_nt], EFLAGS_NT
    CHECK "call: the caller stays busy", dword [b2_a_type], 0x8b
    CHECK "call: the new task busy", dword [b2_b_type], 0x8b
    TYPE_OF SEL_TSS_B
    CHECK "iret clears the returning task's busy bit", eax, 0x89
    pushfd
    pop eax
    and eax, EFLAGS_NT
    CHECK "the caller's NT is clear again", eax, 0
    mov eax, [tss_b + 36]
    and eax, EFLAGS_NT
    CHECK "iret saved B's EFLAGS with NT clear", eax, 0

    ; Through a task gate in the GDT.
    call SEL_GATE_B:0
    CHECK "task gate: TR is the gate's TSS", dword [b3_tr], SEL_TSS_B
    CHECK "task gate: back link", dword [b3_link], SEL_TSS_A

    ; A busy TSS cannot be jumped to.
    TRY .busy_done
    jmp SEL_TSS_A:0
.busy_done:
    CHECK "jmp to a busy TSS raises #GP", dword [fault_vec], 13
    CHECK "#GP error code: the TSS selector", dword [fault_err], SEL_TSS_A

    ; #DF as a task: #NP past the IDT limit (see interrupts.asm) ->
    ; task gate 8 -> task C, which moves our saved EIP to .df_resume.
    mov word [idt + 8 * 8], 0
    mov word [idt + 8 * 8 + 2], SEL_TSS_C
    mov word [idt + 8 * 8 + 4], 0x8500
    mov word [idt + 8 * 8 + 6], 0
    mov word [idt_small], 11 * 8 - 1
    lidt [idt_small]
    mov ax, SEL_NP
    mov ds, ax
    mov dword [df_missed], 1        ; not reached
.df_resume:
    lidt [idt_ptr]
    clts
    mov ecx, 8
    mov eax, isr_stub_8
    mov dl, 0x8e
    call set_idt_gate
    CHECK "#DF through a task gate runs the task", dword [c_ran], 1
    CHECK "#DF error code on the task's stack", dword [c_err], 0
    CHECK "#DF task: back link", dword [c_link], SEL_TSS_A
    CHECK "#DF task: TR", dword [c_tr], SEL_TSS_C
    CHECK "#DF task: the faulting instruction was not retried", dword [df_missed], 0

    ; A 16-bit TSS.
    call SEL_TSS_D:0
    CHECK "16-bit TSS: AX loaded", dword [d_ax], 0x1111
    CHECK "16-bit TSS: back link", dword [d_link], SEL_TSS_A
    CHECK "16-bit TSS: NT set", dword [d_nt], EFLAGS_NT
    movzx eax, word [tss_d + 18]
    CHECK "16-bit TSS: AX saved on iret", eax, 0x2222
    movzx eax, word [tss_d + 14]
    CHECK "16-bit TSS: IP saved on iret", eax, task_d.after
    TYPE_OF SEL_TSS_D
    CHECK "16-bit TSS not busy after iret", eax, 0x81
    clts
    ret

task_b:
    str ax
    movzx eax, ax
    mov [b1_tr], eax
    call flags_nt
    mov [b1_nt], eax
    TYPE_OF SEL_TSS_A
    mov [b1_a_type], eax
    TYPE_OF SEL_TSS_B
    mov [b1_b_type], eax
    mov eax, cr0
    and eax, 8
    mov [b1_ts], eax
    jmp SEL_TSS_A:0
    ; resumed by the CALL
    movzx eax, word [tss_b]
    mov [b2_link], eax
    call flags_nt
    mov [b2_nt], eax
    TYPE_OF SEL_TSS_A
    mov [b2_a_type], eax
    TYPE_OF SEL_TSS_B
    mov [b2_b_type], eax
    iretd
    ; resumed through the task gate
    str ax
    movzx eax, ax
    mov [b3_tr], eax
    movzx eax, word [tss_b]
    mov [b3_link], eax
    iretd
    jmp task_b

task_c:
    pop eax                         ; the #DF error code
    mov [c_err], eax
    mov dword [c_ran], 1
    movzx eax, word [tss_c]
    mov [c_link], eax
    str ax
    movzx eax, ax
    mov [c_tr], eax
    mov dword [tss_a + 32], test_main.df_resume
    iretd
    jmp task_c

flags_nt:
    pushfd
    pop eax
    and eax, EFLAGS_NT
    ret

section .low
bits 32
; The 16-bit task: IP is 16 bits, so its code lives in .low; it runs on
; a 16-bit stack segment and touches no stack.
task_d:
    movzx eax, ax
    mov [d_ax], eax
    movzx eax, word [tss_d]
    mov [d_link], eax
    pushfd
    pop eax
    and eax, EFLAGS_NT
    mov [d_nt], eax
    mov ax, 0x2222
    iretd
.after:
    jmp task_d

section .data
align 4
idt_small:
    dw 0
    dd idt
b1_tr: dd 0
b1_nt: dd -1
b1_a_type: dd 0
b1_b_type: dd 0
b1_ts: dd 0
b2_link: dd 0
b2_nt: dd 0
b2_a_type: dd 0
b2_b_type: dd 0
b3_tr: dd 0
b3_link: dd 0
c_ran: dd 0
c_err: dd -1
c_link: dd 0
c_tr: dd 0
df_missed: dd 0
d_ax: dd 0
d_link: dd 0
d_nt: dd 0
align 8
tss_a: times 104 db 0
tss_b: times 104 db 0
tss_c: times 104 db 0
tss_d: times 44 db 0

section .bss
alignb 16
b_stack: resb 2048
b_stack_top:
c_stack: resb 2048
c_stack_top:
