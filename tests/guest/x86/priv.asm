; Privilege levels (SDM Vol 3 ch. 5, §6.12.1): IRET to ring 3 (data
; segments with DPL < CPL nulled, §5.8.6 / IRET), faults at CPL 3 (CLI
; with IOPL 0, IN/OUT through the TSS I/O permission bitmap §19.5.2, INT
; to a DPL-0 gate, selector loads failing the RPL/DPL checks, a far call
; to a DPL-0 code segment), an interrupt gate with a stack switch from
; TSS.ESP0 and the pushed SS:ESP (§6.12.1 fig. 6-4), POPFD not changing
; IOPL at CPL 3, a call gate with a two-dword parameter copy (§5.8.5)
; and RETF to the outer ring nulling ES, U/S page protection (#PF error
; codes with U), IOPL 3, SYSENTER/SYSEXIT (Vol 2 SYSENTER).
%include "lib.inc"
TEST_NAME "priv"

SEL_CALLGATE equ SEL_TSS2
SE_CS equ SEL_SPARE                 ; SYSENTER_CS: code0, data0, code3, data3
PTE_PWU equ 7

%macro UREC 2                       ; from ring 3: variable := source
    mov eax, %2
    mov [%1], eax
%endmacro

test_main:
    mov [saved_esp], esp
    ; TSS: ESP0/SS0 and an I/O bitmap for ports 0-255 (0x80 allowed).
    mov dword [tss + 4], r0_stack_top
    mov dword [tss + 8], SEL_DATA32
    mov word [tss + 102], iomap - tss
    mov edi, iomap
    mov al, 0xff
    mov ecx, 33
    rep stosb
    mov byte [iomap + 0x80 / 8], 0xfe
    mov edi, SEL_TSS
    mov eax, tss
    mov ebx, tss_end - tss - 1
    mov ecx, 0x0089                 ; 32-bit TSS, available
    call set_gdt_desc
    mov ax, SEL_TSS
    ltr ax
    ; SYSENTER's four descriptors.
    mov edi, SE_CS
    xor eax, eax
    mov ebx, 0xfffff
    mov ecx, 0xc09a
    call set_gdt_desc
    mov edi, SE_CS + 8
    mov ecx, 0xc092
    call set_gdt_desc
    mov edi, SE_CS + 16
    mov ecx, 0xc0fa
    call set_gdt_desc
    mov edi, SE_CS + 24
    mov ecx, 0xc0f2
    call set_gdt_desc
    ; A DPL-3 call gate to callgate_target copying 2 dwords.
    mov eax, callgate_target
    mov [gdt + SEL_CALLGATE], ax
    mov word [gdt + SEL_CALLGATE + 2], SEL_CODE32
    mov word [gdt + SEL_CALLGATE + 4], 0xec02
    shr eax, 16
    mov [gdt + SEL_CALLGATE + 6], ax
    ; Gates: 0x80 frame recorder, 0x81 back to ring 0, 0x82 IOPL := 3,
    ; all DPL 3; 0x41 DPL 0.
    mov ecx, 0x80
    mov eax, int80_handler
    mov dl, 0xee
    call set_idt_gate
    inc ecx
    mov eax, back_to_ring0
    call set_idt_gate
    inc ecx
    mov eax, set_iopl3
    call set_idt_gate
    mov ecx, 0x41
    mov dl, 0x8e
    call set_idt_gate
    ; Paging: 0-4 MiB user-accessible, but 0x300000 supervisor-only and
    ; 0x301000 read-only.
    mov edi, page_table
    mov eax, PTE_PWU
    mov ecx, 1024
.fill:
    stosd
    add eax, 0x1000
    loop .fill
    mov dword [page_table + 0x300 * 4], 0x300000 + 3
    mov dword [page_table + 0x301 * 4], 0x301000 + 5
    mov dword [0x301000], 0x5eed
    mov dword [page_dir], page_table + PTE_PWU
    mov eax, page_dir
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    ; SYSENTER MSRs.
    xor edx, edx
    mov ecx, 0x174
    mov eax, SE_CS
    wrmsr
    inc ecx
    mov eax, se_stack_top
    wrmsr
    inc ecx
    mov eax, sysenter_target
    wrmsr
    ; To ring 3.
    push dword SEL_DATA32_U
    push dword u_stack_top
    push dword 0x002
    push dword SEL_CODE32_U
    push dword user_code
    iretd

ring0_again:
    mov eax, cr0
    and eax, 0x7fffffff
    mov cr0, eax
    CHECK "iret to ring 3 nulls DS (DPL 0)", dword [u_ds], 0
    CHECK "iret to ring 3: CPL 3", dword [u_cpl], 3
    CHECK "cli at CPL 3, IOPL 0: #GP", dword [u_cli_vec], 13
    CHECK "cli: #GP(0)", dword [u_cli_err], 0
    CHECK "in from a port the bitmap allows", dword [u_in80_vec], 0x99
    CHECK "in from a port the bitmap denies: #GP", dword [u_in81_vec], 13
    CHECK "denied port: #GP(0)", dword [u_in81_err], 0
    CHECK "int to a DPL-0 gate: #GP", dword [u_int41_vec], 13
    CHECK "#GP error code: IDT entry 0x41", dword [u_int41_err], 0x41 * 8 + 2
    CHECK "mov ds, DPL-0 selector: #GP", dword [u_ds_vec], 13
    CHECK "#GP error code: the selector", dword [u_ds_err], SEL_DATA32
    CHECK "mov ss, RPL-0 selector at CPL 3: #GP", dword [u_ss_vec], 13
    CHECK "#GP error code: the SS selector", dword [u_ss_err], SEL_DATA32_U & ~3
    CHECK "far call to a DPL-0 code segment: #GP", dword [u_fc_vec], 13
    CHECK "#GP error code: the CS selector", dword [u_fc_err], SEL_CODE32
    CHECK "int 0x80 from ring 3: handler at CPL 0", dword [k_cpl], 0
    CHECK "stack switched to TSS.ESP0 (5 dwords)", dword [k_esp], r0_stack_top - 20
    CHECK "pushed CS is the ring-3 selector", dword [k_cs], SEL_CODE32_U
    CHECK "pushed SS is the ring-3 selector", dword [k_ss], SEL_DATA32_U
    mov eax, [u_esp_at_int]
    CHECK "pushed ESP is the ring-3 ESP", dword [k_uesp], eax
    CHECK "popfd at CPL 3 leaves IOPL", dword [u_popf_iopl], 0
    CHECK "call gate: parameter 1 copied", dword [cg_p1], 0x1111
    CHECK "call gate: parameter 2 copied", dword [cg_p2], 0x2222
    CHECK "call gate: new CPL 0", dword [cg_cpl], 0
    CHECK "call gate: outer SS pushed", dword [cg_ss], SEL_DATA32_U
    mov eax, [u_esp_at_call]
    CHECK "call gate: outer ESP pushed", dword [cg_esp], eax
    add eax, 8
    CHECK "retf 8 back to ring 3 pops the parameters", dword [u_esp_after_call], eax
    CHECK "retf to ring 3 nulls ES (DPL 0)", dword [u_es_after], 0
    CHECK "retf keeps DS (DPL 3)", dword [u_ds_after], SEL_DATA32_U
    CHECK "user read of a supervisor page: #PF", dword [u_pf1_vec], 14
    CHECK "#PF error code: user, read, present", dword [u_pf1_err], 5
    CHECK "user write to a read-only page: #PF", dword [u_pf2_err], 7
    CHECK "user read of a read-only user page", dword [u_ro_val], 0x5eed
    CHECK "IOPL 3: cli at CPL 3", dword [u_cli3_vec], 0x99
    CHECK "IOPL 3: bitmap not consulted", dword [u_in3_vec], 0x99
    CHECK "sysenter: CS from the MSR", dword [se_cs], SE_CS
    CHECK "sysenter: SS = CS + 8", dword [se_ss], SE_CS + 8
    CHECK "sysenter: ESP from the MSR", dword [se_esp], se_stack_top
    CHECK "sysexit: CS = MSR + 16, RPL 3", dword [u_se_cs], SE_CS + 16 + 3
    CHECK "sysexit: SS = MSR + 24, RPL 3", dword [u_se_ss], SE_CS + 24 + 3
    CHECK "sysexit: ESP from ECX", dword [u_se_esp_ok], 1
    ret

; --- ring 0 targets ---
int80_handler:
    mov [k_esp], esp
    push eax
    mov eax, cs
    and eax, 3
    mov [k_cpl], eax
    mov eax, [esp + 8]
    mov [k_cs], eax
    mov eax, [esp + 16]
    mov [k_uesp], eax
    mov eax, [esp + 20]
    mov [k_ss], eax
    pop eax
    iretd

set_iopl3:
    or dword [esp + 8], 0x3000
    iretd

back_to_ring0:
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov esp, [saved_esp]
    jmp ring0_again

callgate_target:
    push eax
    mov eax, cs
    and eax, 3
    mov [cg_cpl], eax
    mov eax, [esp + 12]
    mov [cg_p2], eax
    mov eax, [esp + 16]
    mov [cg_p1], eax
    mov eax, [esp + 20]
    mov [cg_esp], eax
    mov eax, [esp + 24]
    mov [cg_ss], eax
    mov ax, SEL_DATA32
    mov es, ax
    pop eax
    retf 8

sysenter_target:
    mov [se_esp], esp
    mov eax, cs
    mov [se_cs], eax
    mov eax, ss
    mov [se_ss], eax
    sysexit

; --- ring 3 ---
user_code:
    mov eax, ds
    mov [ss:u_ds], eax
    mov ax, SEL_DATA32_U
    mov ds, ax
    mov es, ax
    UREC u_cpl, cs
    and dword [u_cpl], 3
    TRY .cli_done
    cli
.cli_done:
    UREC u_cli_vec, [fault_vec]
    UREC u_cli_err, [fault_err]
    TRY .in80_done
    in al, 0x80
    mov dword [fault_vec], 0x99
.in80_done:
    UREC u_in80_vec, [fault_vec]
    TRY .in81_done
    in al, 0x81
.in81_done:
    UREC u_in81_vec, [fault_vec]
    UREC u_in81_err, [fault_err]
    TRY .int41_done
    int 0x41
.int41_done:
    UREC u_int41_vec, [fault_vec]
    UREC u_int41_err, [fault_err]
    TRY .ds_done
    mov ax, SEL_DATA32
    mov ds, ax
.ds_done:
    UREC u_ds_vec, [fault_vec]
    UREC u_ds_err, [fault_err]
    TRY .ss_done
    mov ax, SEL_DATA32_U & ~3
    mov ss, ax
.ss_done:
    UREC u_ss_vec, [fault_vec]
    UREC u_ss_err, [fault_err]
    TRY .fc_done
    call SEL_CODE32:ring0_again
.fc_done:
    UREC u_fc_vec, [fault_vec]
    UREC u_fc_err, [fault_err]
    mov [u_esp_at_int], esp
    int 0x80
    pushfd
    or dword [esp], 0x3000
    popfd
    pushfd
    pop eax
    and eax, 0x3000
    mov [u_popf_iopl], eax
    push dword 0x1111
    push dword 0x2222
    mov [u_esp_at_call], esp
    call SEL_CALLGATE | 3:0
    mov [u_esp_after_call], esp
    UREC u_es_after, es
    UREC u_ds_after, ds
    TRY .pf1_done
    mov eax, [0x300000]
.pf1_done:
    UREC u_pf1_vec, [fault_vec]
    UREC u_pf1_err, [fault_err]
    TRY .pf2_done
    mov dword [0x301000], 1
.pf2_done:
    UREC u_pf2_err, [fault_err]
    UREC u_ro_val, [0x301000]
    int 0x82
    TRY .cli3_done
    cli
    mov dword [fault_vec], 0x99
.cli3_done:
    UREC u_cli3_vec, [fault_vec]
    TRY .in3_done
    in al, 0x81
    mov dword [fault_vec], 0x99
.in3_done:
    UREC u_in3_vec, [fault_vec]
    mov ecx, esp
    mov edx, .se_back
    sysenter
.se_back:
    cmp esp, ecx
    sete al
    movzx eax, al
    mov [u_se_esp_ok], eax
    UREC u_se_cs, cs
    UREC u_se_ss, ss
    int 0x81

section .data
align 4
saved_esp: dd 0
u_ds: dd -1
u_cpl: dd -1
u_cli_vec: dd 0
u_cli_err: dd 0
u_in80_vec: dd 0
u_in81_vec: dd 0
u_in81_err: dd 0
u_int41_vec: dd 0
u_int41_err: dd 0
u_ds_vec: dd 0
u_ds_err: dd 0
u_ss_vec: dd 0
u_ss_err: dd 0
u_fc_vec: dd 0
u_fc_err: dd 0
u_esp_at_int: dd 0
u_popf_iopl: dd -1
u_esp_at_call: dd 0
u_esp_after_call: dd 0
u_es_after: dd -1
u_ds_after: dd -1
u_pf1_vec: dd 0
u_pf1_err: dd 0
u_pf2_err: dd 0
u_ro_val: dd 0
u_cli3_vec: dd 0
u_in3_vec: dd 0
u_se_cs: dd 0
u_se_ss: dd 0
u_se_esp_ok: dd 0
k_esp: dd 0
k_cpl: dd -1
k_cs: dd 0
k_ss: dd 0
k_uesp: dd 0
cg_p1: dd 0
cg_p2: dd 0
cg_cpl: dd -1
cg_esp: dd 0
cg_ss: dd 0
se_cs: dd 0
se_ss: dd 0
se_esp: dd 0
align 8
tss: times 104 db 0
iomap: times 33 db 0xff
tss_end:

section .bss
alignb 4096
page_dir: resb 4096
page_table: resb 4096
alignb 16
r0_stack: resb 4096
r0_stack_top:
u_stack: resb 4096
u_stack_top:
se_stack: resb 1024
se_stack_top:
