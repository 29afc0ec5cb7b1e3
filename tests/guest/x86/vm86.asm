; QEMU-DIFFERS: QEMU 7.2's TCG lacks CR4.VME ("TCG doesn't support requested
; feature: CPUID.01H:EDX.vme"; no redirection bitmap or VIF, SDM Vol 3
; §20.3.3 table 20-2, §20.3.2) and does not check the 64 KiB segment limit in
; virtual-8086 mode (SDM Vol 2 MOV, "Virtual-8086 Mode Exceptions": #GP(0)
; for an offset past the limit), so the runner does not compare it.
;
; Virtual-8086 mode (SDM Vol 3 ch. 20).  Four sessions, each entered by
; IRETD from ring 0 with EFLAGS.VM in the image (§20.2.5; the frame holds
; GS FS DS ES SS ESP EFLAGS CS EIP) and left through INT 0x81:
;  A  IOPL 0: segment arithmetic (base = selector << 4, 16-bit offsets
;     wrap, 64 KiB limit), CLI STI PUSHF POPF INT n IRET trapping to the
;     #GP monitor with error code 0 and CS:EIP of the instruction, which
;     emulates them (§20.2.7, §20.3.3.2 method 2); INT3 not IOPL-sensitive;
;     IN/OUT through the TSS I/O bitmap (§20.2.8.1).
;  B  IOPL 3: the same instructions run directly; INT n through the IDT to
;     ring 0 with the vm86 frame and null data segments (§20.3.1.1, method
;     1); a DPL-0 gate is #GP(vector*8+2); the I/O bitmap still applies.
;  C  CR4.VME, IOPL 3: INT n with its redirection bit clear goes through
;     the IVT at linear 0 inside vm86 (method 5), bit set through the IDT
;     (method 4); #DE goes to the IDT whatever the bitmap says.
;  D  CR4.VME, IOPL 0: CLI/STI/PUSHF/IRET use VIF (§20.3.2), INT n with the
;     bit clear is redirected with IOPL 3 and IF = VIF in the pushed FLAGS
;     (method 6), bit set is #GP(0) (method 3), PUSHFD and POPF with TF
;     are #GP(0).
; The vm86 code lives in .low (linked at 0x7000) and runs with CS 0x0700;
; its results are stored in .low and checked back in protected mode.
%include "lib.inc"
TEST_NAME "vm86"

VBASE equ 0x7000                    ; .low link address = VM_CS << 4
VM_CS equ 0x0700
VM_SS equ 0x0600
VM_SP equ 0x1000                    ; stack top at linear 0x7000
VM_DS0 equ 0x0777                   ; segment values in the entry frame
VM_ES0 equ 0x0500
VM_FS0 equ 0x1234
VM_GS0 equ 0xabcd
EFL_TF equ 0x100
EFL_IF equ 0x200
EFL_IOPL3 equ 0x3000
EFL_VM equ 0x20000
EFL_VIF equ 0x80000
COM1_SCR equ COM1 + 7               ; the one port the I/O bitmap allows
COM1_MSR equ COM1 + 6

; vm86 CS:IP of a label in .low, as the monitor logs it (CS << 16 | IP).
%define CSIP(l) ((VM_CS << 16) + (l) - VBASE)

; CHECKM "name", var, mask, expected: (var & mask) == expected.
%macro CHECKM 4
    mov eax, [%2]
    and eax, %3
    CHECK %1, eax, %4
%endmacro

; A #GP the monitor logged at the vm86 instruction at label %3.
%macro CHECK_GP 3                   ; "name", snapshot, site
    CHECK %1, dword [%2], CSIP(%3)
%strcat %%err %1, ": error code 0"
    CHECK %%err, dword [%2 + 4], 0
%endmacro

test_main:
    ; QEMU's BIOS leaves the PIT interrupt unmasked; vm86 code sets IF.
    mov al, 0xff
    out 0x21, al
    out 0xa1, al
    call vm_setup

    ; ---- A: IOPL 0, no VME ----
    mov eax, vm_a
    mov ebx, 0
    call vm86_run
    CHECK "iret to vm86: DS from the frame", dword [ra_ds], VM_DS0
    CHECK "iret to vm86: ES from the frame", dword [ra_es], VM_ES0
    CHECK "iret to vm86: FS from the frame", dword [ra_fs], VM_FS0
    CHECK "iret to vm86: GS from the frame", dword [ra_gs], VM_GS0
    CHECK "iret to vm86: SS from the frame", dword [ra_ss], VM_SS
    CHECK "iret to vm86: SP from the frame", dword [ra_sp], VM_SP
    CHECK "iret to vm86: CS from the frame", dword [ra_cs], VM_CS
    movzx eax, word [0x179b8]
    CHECK "vm86 es=0x1234:0x5678 is linear 0x179b8", eax, 0x4d2c
    CHECK "vm86 [bx+si] wraps at 64 KiB", dword [ra_wrap], 0x1111
    CHECK "vm86 ds=0x0700: offset x-0x7000 is linear x", dword [ra_cs_rel], 0x3c3c
    CHECK "vm86 push: linear ss*16+sp-2", dword [ra_push], 0x5aa5
    CHECK_GP "iopl 0: cli is #GP at its CS:IP", sa_cli, vm_a.cli
    CHECK_GP "iopl 0: sti is #GP at its CS:IP", sa_sti, vm_a.sti
    CHECK_GP "iopl 0: pushf is #GP at its CS:IP", sa_pushf, vm_a.pushf
    CHECKM "monitor's pushf shows its virtual IF", ra_pushf, EFL_IF, EFL_IF
    CHECK_GP "iopl 0: popf is #GP at its CS:IP", sa_popf, vm_a.popf
    CHECK "monitor's popf set CF", dword [ra_popf_cf], 0xffff
    CHECK_GP "iopl 0: int 0x40 is #GP at its CS:IP", sa_int, vm_a.int40
    CHECK "int reflected to the IVT: pushed IP", dword [ra_int_ip], vm_a.after40 - VBASE
    CHECK "int reflected to the IVT: pushed CS", dword [ra_int_cs], VM_CS
    CHECK_GP "iopl 0: iret is #GP at its CS:IP", sa_iret, vm_int40.iret
    CHECK "monitor's iret returned after the int", dword [ra_back], 1
    CHECK "iopl 0: int3 is not IOPL-sensitive (no #GP)", dword [sa_int3], -1
    CHECK "int3 from vm86 reaches IDT vector 3", dword [bp_count], 1
    CHECK "int3: pushed CS:IP is after the int3", dword [bp_csip], CSIP(vm_a.int3) + 1
    CHECK "iopl 0: allowed port: no #GP", dword [sa_io_ok], -1
    CHECK "iopl 0: allowed port: out then in", dword [ra_scr], 0xa5
    CHECK_GP "iopl 0: in from a denied port is #GP", sa_in_denied, vm_a.in_denied
    CHECK_GP "iopl 0: out to a denied port is #GP", sa_out_denied, vm_a.out_denied
    CHECK_GP "word at offset 0xffff: #GP (64 KiB limit)", sa_limit, vm_a.limit
    CHECK "iopl 0: int 0x81 traps to the monitor: back in PM", dword [exit_csip], CSIP(vm_a.exit)
    CHECKM "exit frame: EFLAGS.VM set, IOPL 0", exit_eflags, EFL_VM | EFL_IOPL3, EFL_VM

    ; ---- B: IOPL 3, no VME ----
    mov dword [bp_count], 0
    mov eax, vm_b
    mov ebx, EFL_IOPL3
    call vm86_run
    CHECKM "iopl 3: sti sets IF", rb_sti, EFL_IF | EFL_IOPL3, EFL_IF | EFL_IOPL3
    CHECKM "iopl 3: cli clears IF", rb_cli, EFL_IF, 0
    CHECKM "iopl 3: popf sets IF, leaves IOPL", rb_popf, EFL_IF | EFL_IOPL3, EFL_IF | EFL_IOPL3
    CHECKM "pushfd in vm86: VM and RF clear in the image", rb_pushfd, 0x33000, EFL_IOPL3
    CHECK "iopl 3: nothing trapped up to the int", dword [sb_direct], -1
    CHECK "iopl 3: iret ran directly", dword [rb_iret], 1
    CHECK "int 0x80: ring-0 handler ran once", dword [k_count], 1
    CHECK "int 0x80: frame at TSS.ESP0 - 36", dword [k_frame_at], r0_stack_top - 36
    CHECK "int 0x80 frame: EIP", dword [k_frame], vm_b.after80 - VBASE
    CHECK "int 0x80 frame: CS", dword [k_frame + 4], VM_CS
    CHECK "int 0x80 frame: EFLAGS (VM, IOPL 3, IF, ZF, PF)", dword [k_frame + 8], 0x23246
    CHECK "int 0x80 frame: ESP", dword [k_frame + 12], VM_SP
    CHECK "int 0x80 frame: SS", dword [k_frame + 16], VM_SS
    CHECK "int 0x80 frame: ES", dword [k_frame + 20], VM_ES0
    CHECK "int 0x80 frame: DS", dword [k_frame + 24], 0
    CHECK "int 0x80 frame: FS", dword [k_frame + 28], VM_FS0
    CHECK "int 0x80 frame: GS", dword [k_frame + 32], VM_GS0
    CHECK "int 0x80 handler: DS is 0", dword [k_ds], 0
    CHECK "int 0x80 handler: ES is 0", dword [k_es], 0
    CHECK "int 0x80 handler: FS is 0", dword [k_fs], 0
    CHECK "int 0x80 handler: GS is 0", dword [k_gs], 0
    CHECKM "int 0x80 handler: IF clear (interrupt gate)", k_hflags, EFL_IF, 0
    CHECK "iretd to vm86 restores ES", dword [rb_es], VM_ES0
    CHECK "iretd to vm86 restores FS", dword [rb_fs], VM_FS0
    CHECK "iretd to vm86 restores GS", dword [rb_gs], VM_GS0
    CHECK "iretd to vm86 restores SP", dword [rb_sp], VM_SP
    CHECK "int to a DPL-0 gate from vm86: #GP", dword [sb_int41], CSIP(vm_b.int41)
    CHECK "#GP error code: IDT entry 0x41", dword [sb_int41 + 4], 0x41 * 8 + 2
    CHECK "iopl 3: allowed port: no #GP", dword [sb_io_ok], -1
    CHECK "iopl 3: allowed port: out then in", dword [rb_scr], 0x3c
    CHECK_GP "iopl 3: denied port still #GP", sb_in_denied, vm_b.in_denied
    CHECK "iopl 3: int 0x81 through the IDT: back in PM", dword [exit_csip], CSIP(vm_b.exit) + 2
    CHECKM "exit frame: EFLAGS.VM set, IOPL 3", exit_eflags, EFL_VM | EFL_IOPL3, EFL_VM | EFL_IOPL3

    ; ---- C, D: CR4.VME (SDM Vol 3 §20.3.3) ----
    mov eax, 1
    cpuid
    and edx, 2
    CHECK "cpuid: VME", edx, 2
    test edx, edx
    jz .no_vme
    mov eax, cr4
    or eax, 1
    mov cr4, eax

    mov dword [k_count], 0
    mov dword [bp_count], 0
    mov eax, vm_c
    mov ebx, EFL_IOPL3
    call vm86_run
    CHECK "vme iopl 3, bit clear: int 0x60 ran the IVT handler", dword [rx_count], 1
    CHECK "method 5: no #GP", dword [sc_int60], -1
    CHECK "method 5: pushed IP", dword [rx_ip], vm_c.after60 - VBASE
    CHECK "method 5: pushed CS", dword [rx_cs], VM_CS
    CHECK "method 5: pushed FLAGS", dword [rx_flags], 0x3246
    CHECK "method 5: handler FLAGS: IF clear", dword [rx_in_flags], 0x3046
    CHECK "method 5: pushed on the vm86 stack", dword [rx_sp], VM_SP - 8
    CHECK "vme, bit set: int 0x80 through the IDT", dword [k_count], 1
    CHECK "method 4 frame: EIP", dword [k_frame], vm_c.after80 - VBASE
    CHECKM "method 4 frame: EFLAGS.VM", k_frame + 8, EFL_VM, EFL_VM
    CHECK "vme: #DE goes to the IDT, not the IVT", dword [de_count], 1
    CHECK "#DE frame: CS:IP of the div", dword [de_csip], CSIP(vm_c.div)
    CHECK "vme: int3 goes to the IDT, not the IVT", dword [bp_count], 1
    CHECK "vme: IVT handlers for 0, 3, 0x80, 0x81 not run", dword [rw_count], 0
    CHECK "vme iopl 3: int 0x81 through the IDT: back in PM", dword [exit_csip], CSIP(vm_c.exit) + 2

    mov dword [rx_count], 0
    mov dword [bp_count], 0
    mov eax, vm_d
    mov ebx, 0                      ; IF and VIF clear
    call vm86_run
    CHECK "vme iopl 0: cli: no #GP", dword [sd_cli], -1
    CHECKM "vme iopl 0: pushf after cli: IF=VIF=0, IOPL 3", rd_cli, EFL_IF | EFL_IOPL3, EFL_IOPL3
    CHECK "vme iopl 0: sti: no #GP", dword [sd_sti], -1
    CHECKM "vme iopl 0: pushf after sti: IF=VIF=1", rd_sti, EFL_IF | EFL_IOPL3, EFL_IF | EFL_IOPL3
    CHECK "method 6: int 0x60 ran the IVT handler", dword [rx_count], 1
    CHECK "method 6: no #GP", dword [sd_int60], -1
    CHECK "method 6: pushed FLAGS: IOPL 3, IF = VIF", dword [rx_flags], 0x3246
    CHECK "method 6: handler FLAGS: IF = VIF = 0", dword [rx_in_flags], 0x3046
    CHECKM "vme iret: VIF from the popped IF", rd_after, EFL_IF, EFL_IF
    CHECK_GP "method 3: int 0x80 (bit set) is #GP", sd_int80, vm_d.int80
    CHECK "method 3: IDT handler not run", dword [k_count], 1
    CHECK_GP "vme iopl 0: pushfd is #GP", sd_pushfd, vm_d.pushfd
    CHECK_GP "vme iopl 0: popf with TF is #GP", sd_popf_tf, vm_d.popf_tf
    CHECK "vme iopl 0: int3 to the IDT, no #GP", dword [sd_int3], -1
    CHECK "vme iopl 0: int3 reached IDT vector 3", dword [bp_count], 1
    CHECK "vme iopl 0: int 0x81 traps to the monitor", dword [exit_csip], CSIP(vm_d.exit)
    CHECKM "vme sti sets VIF, not IF", exit_eflags, EFL_VIF | EFL_IF | EFL_IOPL3 | EFL_VM, EFL_VIF | EFL_VM
    CHECK "vme: IVT handlers for 0, 3, 0x80, 0x81 not run", dword [rw_count], 0
    mov eax, cr4
    and eax, ~1
    mov cr4, eax
.no_vme:
    ret

; TSS with the redirection bitmap and the I/O bitmap, IDT gates, IVT.
vm_setup:
    mov dword [tss + 4], r0_stack_top
    mov dword [tss + 8], SEL_DATA32
    mov word [tss + 102], iomap - tss
    mov edi, SEL_TSS
    mov eax, tss
    mov ebx, tss_end - tss - 1
    mov ecx, 0x0089                 ; 32-bit TSS, available
    call set_gdt_desc
    mov ax, SEL_TSS
    ltr ax
    ; Every vector: a guard that loads DS before lib's reporting stub
    ; (data segments are null after an exception from vm86).
    xor ecx, ecx
    mov dl, 0x8e
.guards:
    mov eax, [guard_table + ecx * 4]
    call set_idt_gate
    inc ecx
    cmp ecx, 32
    jb .guards
    xor ecx, ecx
    mov eax, de_rec
    call set_idt_gate
    mov ecx, 13
    mov eax, gp_monitor
    call set_idt_gate
    mov ecx, 0x41                   ; DPL 0: not for INT n from vm86
    mov eax, int80_rec
    call set_idt_gate
    mov dl, 0xee                    ; DPL 3
    mov ecx, 3
    mov eax, bp_rec
    call set_idt_gate
    mov ecx, 0x80
    mov eax, int80_rec
    call set_idt_gate
    mov ecx, 0x60
    call set_idt_gate
    mov ecx, 0x81
    mov eax, vm_exit_gate
    call set_idt_gate
    ; The IVT at linear 0 (for the monitor's reflection and VME).
    mov dword [0x40 * 4], (VM_CS << 16) + vm_int40 - VBASE
    mov dword [0x60 * 4], (VM_CS << 16) + vm_int60 - VBASE
    mov dword [0x00 * 4], (VM_CS << 16) + vm_wrong_de - VBASE
    mov dword [0x03 * 4], (VM_CS << 16) + vm_wrong - VBASE
    mov dword [0x80 * 4], (VM_CS << 16) + vm_wrong - VBASE
    mov dword [0x81 * 4], (VM_CS << 16) + vm_wrong - VBASE
    ; Probes for the segment arithmetic.
    mov word [0x5010], 0x1111
    mov word [0x15010], 0x2222
    ret

; vm86_run: run vm86 code at label EAX (in .low) with EFLAGS image EBX
; (VM added) until it leaves through INT 0x81; keeps all registers.
vm86_run:
    pushad
    mov [vm_saved_esp], esp
    mov dword [mon_csip], -1
    mov dword [mon_err], -1
    mov dword [mon_vif], 0
    mov dword [exit_csip], -1
    mov dword [exit_eflags], 0
    push dword VM_GS0
    push dword VM_FS0
    push dword VM_DS0
    push dword VM_ES0
    push dword VM_SS
    push dword VM_SP
    or ebx, EFL_VM | 2
    push ebx
    push dword VM_CS
    sub eax, VBASE
    push eax
    iretd

; INT 0x81 through a DPL-3 gate: the frame has no error code.
vm_exit_gate:
    mov ax, SEL_DATA32
    mov ds, ax
    movzx eax, word [esp + 4]
    shl eax, 16
    mov ax, [esp]
    mov [exit_csip], eax
    mov eax, [esp + 8]
    mov [exit_eflags], eax
vm_exit_common:
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov esp, [vm_saved_esp]
    popad
    ret

; ---- the virtual-8086 monitor: #GP handler (SDM Vol 3 §20.2.7) ----
; Frame at EBP: error code, EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS.
gp_monitor:
    test dword [esp + 12], EFL_VM
    jz guard_13                     ; a protected-mode #GP: lib reports it
    pushad
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    lea ebp, [esp + 32]
    mov eax, [ebp]
    mov [mon_err], eax
    movzx eax, word [ebp + 8]
    shl eax, 16
    mov ax, [ebp + 4]
    mov [mon_csip], eax
    movzx esi, word [ebp + 8]
    shl esi, 4
    movzx eax, word [ebp + 4]
    add esi, eax                    ; linear address of the instruction
    call insn_len
    test ecx, ecx
    jz .exit                        ; not ours: end the session
    movzx eax, byte [esi]
    cmp dword [ebp], 0
    jne .skip                       ; #GP(selector) from a gate: just skip
    cmp al, 0xfa
    je .cli
    cmp al, 0xfb
    je .sti
    cmp al, 0x9c
    je .pushf
    cmp al, 0x9d
    je .popf
    cmp al, 0xcf
    je .iret
    cmp al, 0xcd
    jne .skip
    mov bl, [esi + 1]
    cmp bl, 0x81
    je .exit
    cmp bl, 0x40
    jne .skip
    ; INT 0x40: reflect through the IVT like the 8086 would.
    call vm_flags_image
    call vm_push16
    mov ax, [ebp + 8]
    call vm_push16
    mov ax, [ebp + 4]
    add ax, 2
    call vm_push16
    mov dword [mon_vif], 0
    and dword [ebp + 12], ~EFL_TF
    movzx ebx, bl
    mov eax, [ebx * 4]
    movzx ecx, ax
    mov [ebp + 4], ecx
    shr eax, 16
    mov [ebp + 8], eax
    jmp .resume
.cli:
    mov dword [mon_vif], 0
    jmp .skip
.sti:
    mov dword [mon_vif], EFL_IF
    jmp .skip
.pushf:
    call vm_flags_image
    call vm_push16
    jmp .skip
.popf:
    call vm_pop16
    call vm_apply_flags
    jmp .skip
.iret:
    call vm_pop16
    movzx eax, ax
    mov [ebp + 4], eax
    call vm_pop16
    movzx eax, ax
    mov [ebp + 8], eax
    call vm_pop16
    call vm_apply_flags
    jmp .resume
.skip:
    add [ebp + 4], cx               ; 16-bit IP
.resume:
    popad
    add esp, 4
    iretd
.exit:
    mov eax, [mon_csip]
    mov [exit_csip], eax
    mov eax, [ebp + 12]
    mov [exit_eflags], eax
    jmp vm_exit_common

; insn_len: ECX := length of the trapping instruction at ESI, 0 if the
; monitor does not know it.
insn_len:
    push eax
    push esi
    xor ecx, ecx
    movzx eax, byte [esi]
    cmp al, 0x66                    ; operand size: skip, not emulated
    jne .op
    inc ecx
    inc esi
    mov al, [esi]
.op:
    mov edx, 1
    cmp al, 0xfa
    je .len
    cmp al, 0xfb
    je .len
    cmp al, 0x9c
    je .len
    cmp al, 0x9d
    je .len
    cmp al, 0xcf
    je .len
    mov ah, al
    and ah, 0xfc
    cmp ah, 0xec                    ; IN/OUT with DX
    je .len
    mov edx, 2
    cmp ah, 0xe4                    ; IN/OUT imm8
    je .len
    cmp al, 0xcd
    je .len
    mov edx, 3
    cmp al, 0xa1                    ; MOV AX, moffs16
    je .len
    xor ecx, ecx
    jmp .out
.len:
    add ecx, edx
.out:
    pop esi
    pop eax
    ret

; The monitor's view of the guest FLAGS: IF is virtual.
vm_flags_image:
    mov ax, [ebp + 12]
    and ax, ~EFL_IF
    or ax, [mon_vif]
    ret

vm_apply_flags:                     ; AX popped: IF virtual, arithmetic and DF real
    push eax
    and eax, EFL_IF
    mov [mon_vif], eax
    pop eax
    and eax, 0x0cd5
    and dword [ebp + 12], ~0x0cd5
    or [ebp + 12], eax
    ret

vm_push16:                          ; AX onto the vm86 stack (SS:SP in the frame)
    push ecx
    push edx
    movzx edx, word [ebp + 16]
    sub dx, 2
    mov [ebp + 16], dx
    movzx ecx, word [ebp + 20]
    shl ecx, 4
    mov [ecx + edx], ax
    pop edx
    pop ecx
    ret

vm_pop16:                           ; AX from the vm86 stack
    push ecx
    push edx
    movzx edx, word [ebp + 16]
    movzx ecx, word [ebp + 20]
    shl ecx, 4
    mov ax, [ecx + edx]
    add dx, 2
    mov [ebp + 16], dx
    pop edx
    pop ecx
    ret

; INT 0x80 (and 0x60 when it is not redirected): records the vm86 frame
; and the data segment registers the handler starts with (§20.3.1.1).
int80_rec:
    push eax
    mov eax, ds
    mov [ss:k_ds], eax
    mov eax, es
    mov [ss:k_es], eax
    mov eax, fs
    mov [ss:k_fs], eax
    mov eax, gs
    mov [ss:k_gs], eax
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    pushfd
    pop dword [k_hflags]
    push ecx
    push esi
    push edi
    lea esi, [esp + 16]
    mov [k_frame_at], esi
    mov edi, k_frame
    mov ecx, 9
    cld
    rep movsd
    pop edi
    pop esi
    pop ecx
    pop eax
    inc dword [k_count]
    iretd                           ; back to vm86: reloads ES DS FS GS

; Vector 3 from vm86 (INT3).
bp_rec:
    test dword [esp + 8], EFL_VM
    jz guard_3
    push eax
    movzx eax, word [esp + 8]
    shl eax, 16
    mov ax, [esp + 4]
    mov [ss:bp_csip], eax
    inc dword [ss:bp_count]
    pop eax
    iretd

; #DE from vm86: a fault, so skip the 2-byte DIV.
de_rec:
    test dword [esp + 8], EFL_VM
    jz guard_0
    push eax
    movzx eax, word [esp + 8]
    shl eax, 16
    mov ax, [esp + 4]
    mov [ss:de_csip], eax
    inc dword [ss:de_count]
    add word [esp + 4], 2
    pop eax
    iretd

%macro GUARD 1
guard_%1:
    push eax
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    pop eax
    jmp isr_stub_%1
%endmacro
%assign v 0
%rep 32
GUARD v
%assign v v + 1
%endrep

section .rodata
guard_table:
%assign v 0
%rep 32
    dd guard_ %+ v
%assign v v + 1
%endrep

section .data
align 4
vm_saved_esp: dd 0
exit_csip: dd -1
exit_eflags: dd 0
k_count: dd 0
k_frame_at: dd 0
k_frame: times 9 dd -1
k_ds: dd -1
k_es: dd -1
k_fs: dd -1
k_gs: dd -1
k_hflags: dd -1
bp_count: dd 0
bp_csip: dd -1
de_count: dd 0
de_csip: dd -1
align 8
tss: times 104 db 0
intredir:                           ; bit clear: redirect to the vm86 IVT
    db 0xf6                         ; vectors 0 and 3 clear: not for exceptions/INT3
    times 11 db 0xff
    db 0xfe                         ; vector 0x60 clear
    times 19 db 0xff
iomap:
    times 0x7f db 0xff
    db 0x7f                         ; port 0x3ff (COM1 scratch) allowed
    db 0xff                         ; the byte past the map
tss_end:

section .bss
alignb 16
r0_stack: resb 4096
r0_stack_top:

; ---- virtual-8086 code and its data (CS = 0x0700, IP = address - 0x7000) ----
section .low
bits 16

; PUT var, reg16: var := zero-extended reg16 (vars start at -1, so a store
; that never ran shows); keeps FLAGS.
%macro PUT 2
    push eax
    movzx eax, %2
    mov [%1], eax
    pop eax
%endmacro

; SNAP slot: copy the monitor's last #GP (CS:IP, error code) to slot and
; clear it, so a later check sees exactly what this instruction did.
%macro SNAP 1
    push eax
    mov eax, [mon_csip]
    mov [%1], eax
    mov eax, [mon_err]
    mov [%1 + 4], eax
    mov dword [mon_csip], -1
    mov dword [mon_err], -1
    pop eax
%endmacro

vm_a:
    mov ax, ds
    xor bx, bx
    mov ds, bx
    PUT ra_ds, ax
    mov ax, es
    PUT ra_es, ax
    mov ax, fs
    PUT ra_fs, ax
    mov ax, gs
    PUT ra_gs, ax
    mov ax, ss
    PUT ra_ss, ax
    mov ax, cs
    PUT ra_cs, ax
    mov [ra_sp], sp                 ; (PUT would push first)
    mov word [ra_sp + 2], 0
    ; Segment arithmetic: base = selector << 4, 16-bit offsets.
    mov ax, 0x1234
    mov es, ax
    mov word [es:0x5678], 0x4d2c
    mov ax, 0x0500
    mov ds, ax
    mov bx, 0xfff0
    mov si, 0x20
    mov cx, [bx + si]               ; 0x0500:0x0010, not linear 0x15010
    mov ax, VM_CS
    mov ds, ax
    mov dx, [ra_probe - VBASE]
    xor ax, ax
    mov ds, ax
    PUT ra_wrap, cx
    PUT ra_cs_rel, dx
    push word 0x5aa5
    mov cx, [VM_SS * 16 + VM_SP - 2] ; DS 0: the linear address
    pop ax
    PUT ra_push, cx
    ; IOPL-sensitive instructions: #GP(0), emulated by the monitor.
.cli:
    cli
    SNAP sa_cli
.sti:
    sti
    SNAP sa_sti
.pushf:
    pushf
    SNAP sa_pushf
    pop ax
    PUT ra_pushf, ax
    push word 0x0001                ; CF
.popf:
    popf
    SNAP sa_popf
    sbb ax, ax
    PUT ra_popf_cf, ax
.int40:
    int 0x40
.after40:
    SNAP sa_iret
    mov dword [ra_back], 1
.int3:
    int3
    SNAP sa_int3
    ; I/O: the bitmap allows only COM1's scratch register.
    mov dx, COM1_SCR
    mov al, 0xa5
    out dx, al
    mov al, 0
    in al, dx
    SNAP sa_io_ok
    PUT ra_scr, al
    mov dx, COM1_MSR
.in_denied:
    in al, dx
    SNAP sa_in_denied
.out_denied:
    out 0x80, al
    SNAP sa_out_denied
.limit:
    mov ax, [0xffff]                ; a word past the 64 KiB limit
    SNAP sa_limit
.exit:
    int 0x81
    hlt                             ; #GP: the monitor ends the session

vm_int40:                           ; reached through the monitor's reflection
    SNAP sa_int
    push bp
    mov bp, sp
    mov ax, [bp + 2]
    PUT ra_int_ip, ax
    mov ax, [bp + 4]
    PUT ra_int_cs, ax
    pop bp
.iret:
    iret

vm_b:
    xor ax, ax
    mov ds, ax
    sti
    pushf
    pop ax
    PUT rb_sti, ax
    cli
    pushf
    pop ax
    PUT rb_cli, ax
    push word 0x0202                ; IF, IOPL 0
    popf
    pushf
    pop ax
    PUT rb_popf, ax
    cli
    pushfd
    pop eax
    mov [rb_pushfd], eax
    pushf                           ; IRET to the next label, directly
    push cs
    push word .iret_to - VBASE
    iret
    hlt
.iret_to:
    mov dword [rb_iret], 1
    SNAP sb_direct
    sti
    sub ax, ax                      ; ZF PF (AF defined) for the pushed EFLAGS
    int 0x80
.after80:
    cli
    mov ax, es
    PUT rb_es, ax
    mov ax, fs
    PUT rb_fs, ax
    mov ax, gs
    PUT rb_gs, ax
    mov [rb_sp], sp
    mov word [rb_sp + 2], 0
.int41:
    int 0x41
    SNAP sb_int41
    mov dx, COM1_SCR
    mov al, 0x3c
    out dx, al
    mov al, 0
    in al, dx
    SNAP sb_io_ok
    PUT rb_scr, al
    mov dx, COM1_MSR
.in_denied:
    in al, dx
    SNAP sb_in_denied
.exit:
    int 0x81
    hlt

vm_c:
    xor ax, ax
    mov ds, ax
    sti
    sub ax, ax                      ; ZF PF
    int 0x60                        ; redirection bit clear: the IVT
.after60:
    SNAP sc_int60
    cli
    int 0x80                        ; bit set: the IDT
.after80:
    xor dx, dx
    mov ax, 1
    xor cx, cx
.div:
    div cx                          ; #DE: the IDT although bit 0 is clear
    int3                            ; the IDT although bit 3 is clear
.exit:
    int 0x81
    hlt

vm_d:
    xor ax, ax
    mov ds, ax
.sti:
    sti
    SNAP sd_sti
    pushf
    pop ax
    PUT rd_sti, ax
.cli:
    cli
    SNAP sd_cli
    pushf
    pop ax
    PUT rd_cli, ax
    sti
    sub ax, ax                      ; ZF PF
    int 0x60                        ; bit clear: the IVT, IF = VIF pushed
    SNAP sd_int60
    pushf
    pop ax
    PUT rd_after, ax
.int80:
    int 0x80                        ; bit set: #GP
    SNAP sd_int80
.pushfd:
    pushfd
    SNAP sd_pushfd
    push word 0x0100                ; TF
.popf_tf:
    popf
    SNAP sd_popf_tf
    int3
    SNAP sd_int3
    cli
    sti                             ; VIF set for the exit frame; IF stays 0
.exit:
    int 0x81
    hlt

vm_int60:                           ; the IVT handler for INT 0x60
    pushf
    pop ax
    PUT rx_in_flags, ax
    push bp
    mov bp, sp
    PUT rx_sp, bp
    mov ax, [bp + 2]
    PUT rx_ip, ax
    mov ax, [bp + 4]
    PUT rx_cs, ax
    mov ax, [bp + 6]
    PUT rx_flags, ax
    pop bp
    inc dword [rx_count]
    iret

vm_wrong:                           ; IVT entries that must not be used
    inc dword [rw_count]
    iret
vm_wrong_de:
    inc dword [rw_count]
    push bp
    mov bp, sp
    add word [bp + 2], 2
    pop bp
    iret

align 4
mon_csip: dd -1                     ; the monitor's last #GP (written at CPL 0)
mon_err: dd -1
mon_vif: dd 0
ra_probe: dw 0x3c3c, 0
ra_ds: dd -1
ra_es: dd -1
ra_fs: dd -1
ra_gs: dd -1
ra_ss: dd -1
ra_cs: dd -1
ra_sp: dd -1
ra_wrap: dd -1
ra_push: dd -1
ra_cs_rel: dd -1
ra_pushf: dd -1
ra_popf_cf: dd -1
ra_int_ip: dd -1
ra_int_cs: dd -1
ra_back: dd -1
ra_scr: dd -1
rb_sti: dd -1
rb_cli: dd -1
rb_popf: dd -1
rb_pushfd: dd -1
rb_iret: dd -1
rb_es: dd -1
rb_fs: dd -1
rb_gs: dd -1
rb_sp: dd -1
rb_scr: dd -1
rd_cli: dd -1
rd_sti: dd -1
rd_after: dd -1
rx_in_flags: dd -1
rx_sp: dd -1
rx_ip: dd -1
rx_cs: dd -1
rx_flags: dd -1
rx_count: dd 0
rw_count: dd 0
%macro SLOT 1
%1: dd -2, -2
%endmacro
SLOT sa_cli
SLOT sa_sti
SLOT sa_pushf
SLOT sa_popf
SLOT sa_int
SLOT sa_iret
SLOT sa_int3
SLOT sa_io_ok
SLOT sa_in_denied
SLOT sa_out_denied
SLOT sa_limit
SLOT sb_direct
SLOT sb_int41
SLOT sb_io_ok
SLOT sb_in_denied
SLOT sc_int60
SLOT sd_cli
SLOT sd_sti
SLOT sd_int60
SLOT sd_int80
SLOT sd_pushfd
SLOT sd_popf_tf
SLOT sd_int3
