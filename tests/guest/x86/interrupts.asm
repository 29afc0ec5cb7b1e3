; Interrupt and debug machinery: REP MOVS restarted after a page fault
; mid-string (SDM Vol 3 §6.6: RSI/RDI/RCX show the progress at the
; fault), INT3 / INT 3 / INTO, a double fault from a contributory fault
; during delivery (SDM Vol 3 §6.15 "Interrupt 8", table 6-5), single
; step with TF (SDM Vol 3 §18.3.1.4, DR6.BS), instruction and data
; breakpoints in DR0-DR3/DR7 with RF (SDM Vol 3 §18.2, §18.3.1.1-2),
; CPUID feature bits, RDTSC, RDMSR/WRMSR of the SYSENTER MSRs (unknown
; MSRs: msr.asm).
%include "lib.inc"
TEST_NAME "interrupts"

SRC equ 0x300ff0                    ; 16 bytes before the not-present page
PTE_P equ 1
PTE_W equ 2

test_main:
    call rep_movs_restart
    call int3_into
    call double_fault
    call debug_regs
    call cpuid_msr
    ret

rep_movs_restart:
    ; Identity-map 0-4 MiB, with the page at 0x301000 not present.
    mov edi, page_table
    mov eax, PTE_P | PTE_W
    mov ecx, 1024
.fill:
    stosd
    add eax, 0x1000
    loop .fill
    and dword [page_table + 0x301 * 4], ~PTE_P
    mov dword [page_dir], page_table + (PTE_P | PTE_W)
    mov edi, SRC
    mov ecx, 32
    mov eax, 0x40
.src:
    stosb                           ; before paging: 0x40, 0x41, ...
    inc eax
    loop .src
    mov eax, page_dir
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    mov ecx, 14
    mov eax, pf_restart_handler
    mov dl, 0x8e
    call set_idt_gate
    mov esi, SRC
    mov edi, movs_dst
    mov ecx, 32
    cld
    rep movsb                       ; faults at 0x301000, then resumes
    mov ebx, ecx
    mov ecx, 14
    mov eax, isr_stub_14
    mov dl, 0x8e
    call set_idt_gate
    mov eax, cr0
    and eax, 0x7fffffff
    mov cr0, eax
    CHECK "rep movsb: one page fault", dword [pf_count], 1
    CHECK "rep movsb fault: CR2", dword [pf_cr2], 0x301000
    CHECK "rep movsb fault: ECX left", dword [pf_ecx], 16
    CHECK "rep movsb fault: ESI", dword [pf_esi], 0x301000
    CHECK "rep movsb fault: EDI", dword [pf_edi], movs_dst + 16
    CHECK "rep movsb fault: EIP is the instruction", dword [pf_eip_ok], 1
    CHECK "rep movsb resumed to the end: ECX", ebx, 0
    CHECK "rep movsb resumed: ESI", esi, SRC + 32
    CHECK "rep movsb copied the first byte", dword [movs_dst], 0x43424140
    CHECK "rep movsb copied the last byte", dword [movs_dst + 28], 0x5f5e5d5c
    ret

pf_restart_handler:
    mov [pf_ecx], ecx
    mov [pf_esi], esi
    mov [pf_edi], edi
    push eax
    inc dword [pf_count]
    mov eax, cr2
    mov [pf_cr2], eax
    mov eax, [esp + 8]              ; EIP under the error code
    movzx eax, byte [eax]
    cmp eax, 0xf3                   ; the REP prefix of the instruction
    sete al
    mov [pf_eip_ok], eax
    or dword [page_table + 0x301 * 4], PTE_P
    invlpg [0x301000]
    pop eax
    add esp, 4
    iretd

int3_into:
    TRY .cd3_done
    int 3                           ; CD 03: same vector as INT3
.cd3_next:
.cd3_done:
    CHECK "int 3 (CD 03) raises #BP", dword [fault_vec], 3
    CHECK "int 3 saves the next eip", dword [fault_eip], .cd3_next
    TRY .into_done
    mov al, 1
    add al, 1                       ; OF = 0
    into
    mov dword [fault_vec], 0x99
.into_done:
    CHECK "into with OF clear does nothing", dword [fault_vec], 0x99
    ret

double_fault:
    ; IDT limit covering vectors 0-10 only: a #NP (vector 11) cannot be
    ; delivered, the #GP(11*8+2) that follows is contributory after a
    ; contributory fault: #DF with error code 0.
    mov dword [gdt + SEL_SPARE], 0x0000ffff
    mov dword [gdt + SEL_SPARE + 4], 0x00cf1200 ; data, P = 0
    mov word [idt_small], 11 * 8 - 1
    lidt [idt_small]
    TRY .df_done
    mov ax, SEL_SPARE
    mov ds, ax
.df_done:
    lidt [idt_ptr]
    CHECK "#NP past the IDT limit becomes #DF", dword [fault_vec], 8
    CHECK "#DF error code 0", dword [fault_err], 0
    ; A benign exception (#BP from INT3) through a not-present gate is
    ; not promoted: #NP(3*8+2) alone.
    and byte [idt + 3 * 8 + 5], 0x7f
    TRY .bp_done
    int3
.bp_done:
    or byte [idt + 3 * 8 + 5], 0x80
    CHECK "int3 through a not-present gate: #NP", dword [fault_vec], 11
    CHECK "#NP error code names vector 3", dword [fault_err], 3 * 8 + 2
    ret

debug_regs:
    mov ecx, 1
    mov eax, db_handler
    mov dl, 0x8e
    call set_idt_gate
    xor eax, eax
    mov dr6, eax

    ; Single step: POPFD setting TF traps after the instruction that
    ; follows it; the handler clears TF after the third trap.
    mov dword [db_count], 0
    mov dword [db_stop], 3
    pushfd
    or dword [esp], 0x100
    popfd
.ss0:
    nop
.ss1:
    mov eax, 5
.ss2:
    add eax, 1
.ss3:
    nop
    nop
    CHECK "single step: three traps", dword [db_count], 3
    CHECK "single step: first after the next insn", dword [db_eip], .ss1
    CHECK "single step: second", dword [db_eip + 4], .ss2
    CHECK "single step: third", dword [db_eip + 8], .ss3
    mov eax, [db_dr6]
    and eax, 0x400f
    CHECK "single step sets DR6.BS", eax, 0x4000
    xor eax, eax
    mov dr6, eax

    ; Instruction breakpoint in DR0: a fault before the instruction; the
    ; handler sets RF, so the instruction then runs exactly once.
    mov dword [db_count], 0
    mov dword [db_stop], 0
    mov dword [bp_counter], 0
    mov eax, .ibp
    mov dr0, eax
    mov eax, 0x00000001             ; L0, R/W0 = 00 execute, LEN0 = 00
    mov dr7, eax
    nop
.ibp:
    inc dword [bp_counter]
    nop
    xor eax, eax
    mov dr7, eax
    CHECK "DR0 breakpoint: one #DB", dword [db_count], 1
    CHECK "DR0 breakpoint: EIP is the instruction", dword [db_eip], .ibp
    CHECK "DR0 breakpoint: RF lets it run once", dword [bp_counter], 1
    mov eax, [db_dr6]
    and eax, 0x400f
    CHECK "DR0 breakpoint sets DR6.B0", eax, 1
    xor eax, eax
    mov dr6, eax

    ; Data write breakpoint in DR1 on a dword: a trap after the write.
    mov dword [db_count], 0
    mov eax, watched
    mov dr1, eax
    mov eax, 0x00d00004             ; L1, R/W1 = 01 write, LEN1 = 11 (4)
    mov dr7, eax
    mov eax, [watched]              ; a read does not trigger
    mov byte [watched + 2], 7       ; a write inside the dword does
.dbp_next:
    nop
    xor eax, eax
    mov dr7, eax
    CHECK "DR1 write watch: one #DB", dword [db_count], 1
    CHECK "DR1 write watch: EIP after the write", dword [db_eip], .dbp_next
    CHECK "DR1 write watch: the write happened", dword [watched], 0x00070000
    mov eax, [db_dr6]
    and eax, 0x400f
    CHECK "DR1 write watch sets DR6.B1", eax, 2
    xor eax, eax
    mov dr6, eax

    ; Read/write watch (R/W = 11) in DR3 on a byte: a read triggers.
    mov dword [db_count], 0
    mov eax, watched + 1
    mov dr3, eax
    mov eax, 0x30000040             ; L3, R/W3 = 11, LEN3 = 00
    mov dr7, eax
    mov al, [watched + 1]
.rbp_next:
    xor eax, eax
    mov dr7, eax
    CHECK "DR3 read watch: one #DB", dword [db_count], 1
    CHECK "DR3 read watch: EIP after the read", dword [db_eip], .rbp_next
    mov eax, [db_dr6]
    and eax, 0x400f
    CHECK "DR3 read watch sets DR6.B3", eax, 8
    xor eax, eax
    mov dr6, eax

    mov ecx, 1
    mov eax, isr_stub_1
    mov dl, 0x8e
    call set_idt_gate
    ret

; #DB: record EIP and DR6, set RF, clear TF once db_stop traps happened.
db_handler:
    push eax
    push ebx
    mov ebx, [db_count]
    mov eax, [esp + 8]
    cmp ebx, 8
    jae .full
    mov [db_eip + ebx * 4], eax
.full:
    inc ebx
    mov [db_count], ebx
    mov eax, dr6
    mov [db_dr6], eax
    or dword [esp + 16], 0x10000    ; RF
    cmp ebx, [db_stop]
    jne .out
    and dword [esp + 16], ~0x100    ; TF
.out:
    pop ebx
    pop eax
    iretd

cpuid_msr:
    xor eax, eax
    cpuid
    cmp eax, 1
    setae al
    movzx eax, al
    CHECK "cpuid 0: max leaf >= 1", eax, 1
    mov eax, 1
    cpuid
    mov eax, edx
    and eax, 0x07808931             ; FPU TSC MSR CX8 SEP CMOV MMX FXSR SSE SSE2
    CHECK "cpuid 1: edx features used by the tests", eax, 0x07808931
    mov eax, 0x80000000
    cpuid
    shr eax, 31
    CHECK "cpuid 0x80000000: extended leaves", eax, 1

    rdtsc
    mov esi, eax
    mov edi, edx
    mov ecx, 1000
.spin:
    loop .spin
    rdtsc
    sub eax, esi
    sbb edx, edi
    jnz .tsc_hi                     ; edx:eax = later - earlier
    test eax, eax
.tsc_hi:
    setg al                         ; (also true when the high half > 0)
    movzx eax, al
    CHECK "rdtsc increases", eax, 1

    mov ecx, 0x174
    xor edx, edx
    mov eax, SEL_CODE32
    wrmsr
    mov ecx, 0x175
    mov eax, 0x12345678
    wrmsr
    mov ecx, 0x176
    mov eax, 0x9abcdef0
    wrmsr
    mov ecx, 0x174
    rdmsr
    CHECK "SYSENTER_CS_MSR reads back", eax, SEL_CODE32
    mov ecx, 0x175
    rdmsr
    CHECK "SYSENTER_ESP_MSR reads back", eax, 0x12345678
    mov ecx, 0x176
    rdmsr
    CHECK "SYSENTER_EIP_MSR reads back", eax, 0x9abcdef0
    CHECK "SYSENTER_EIP_MSR high half", edx, 0
    ret

section .data
align 4
idt_small:
    dw 0
    dd idt
pf_count: dd 0
pf_cr2: dd 0
pf_ecx: dd 0
pf_esi: dd 0
pf_edi: dd 0
pf_eip_ok: dd 0
db_count: dd 0
db_stop: dd 0
db_dr6: dd 0
db_eip: times 8 dd 0
bp_counter: dd 0
; DR1 watches it with LEN 4: the processor ignores the low two address
; bits (SDM Vol 3 §18.2.5), so it must be dword aligned to cover itself.
align 4
watched: dd 0
movs_dst: times 32 db 0

section .bss
alignb 4096
page_dir: resb 4096
page_table: resb 4096
