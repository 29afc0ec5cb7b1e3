; kvm_longmode: IA-32e mode under -accel kvm -cpu host (SDM Vol 3 §9.8.5
; "Initializing IA-32e Mode"): 4-level paging with 2 MiB pages, EFER.LME,
; a 64-bit code segment, then ring 3 through SYSEXIT with REX.W for a
; 64-bit compute loop (xorshift64*, R8-R15 in use), back to ring 0 through
; SYSCALL (EFER.SCE, STAR, LSTAR); the results are checked against fixed
; values and reported from 64-bit mode (nested PVM hosts refuse the way
; back to compatibility mode).
;
; doppel's own x86 model has no long mode: when CPUID 0x80000001 EDX.LM
; is clear (interp, jit, -accel kvm without -cpu host, QEMU's i386 cpu)
; the test says so and passes with no checks.
;
; Ring-0 code avoids IRET (KVM's instruction emulator, which runs ring 0 on
; nested PVM hosts, has none outside real mode).  Selectors are not
; checked: such hosts run ring 3 with their own (MOV from CS reads 0x33).
%include "lib.inc"
TEST_NAME "kvm_longmode"

%ifndef ITERS
ITERS equ 1000000                   ; bench/kvm/run.sh assembles with -DITERS=... -DBENCH
%endif
MSR_EFER equ 0xc0000080
MSR_STAR equ 0xc0000081
MSR_LSTAR equ 0xc0000082
MSR_FMASK equ 0xc0000084
MSR_SYSENTER_CS equ 0x174
EFER_SCE equ 1 << 0
EFER_LME equ 1 << 8
EFER_LMA equ 1 << 10
SEL_CODE64 equ SEL_SPARE            ; 0x48: 64-bit code, DPL 0
SEL_DATA64 equ SEL_SPARE + 8        ; 0x50: SYSCALL's SS (STAR + 8)

test_main:
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb .no_lm
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jnz .has_lm
.no_lm:
    PRINT {"no long mode in CPUID: nothing to check", 10}
    ret
.has_lm:
    mov [saved_esp], esp
    call build_tables
    ; PAE, CR3, EFER.LME + SCE, then PG: IA-32e mode, compatibility
    ; submode until CS is a 64-bit segment.
    mov eax, cr4
    or eax, 1 << 5
    mov cr4, eax
    mov eax, pml4
    mov cr3, eax
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME | EFER_SCE
    wrmsr
    mov eax, cr0
    or eax, 1 << 31
    mov cr0, eax
    jmp SEL_CODE64:long_entry

; Identity map of the first 1 GiB with 2 MiB pages, user-accessible; the
; 64-bit code and data descriptors.
build_tables:
    pushad
    mov dword [pml4], pdpt + 7
    mov dword [pdpt], pdir + 7
    mov eax, 0x87                   ; present, writable, user, 2 MiB
    xor ecx, ecx
.fill:
    mov [pdir + ecx * 8], eax
    add eax, 0x200000
    inc ecx
    cmp ecx, 512
    jb .fill
    mov edi, SEL_CODE64
    xor eax, eax
    mov ebx, 0xfffff
    mov cl, 0x9a                    ; present, DPL 0, code, readable
    mov ch, 0xa0                    ; G, L
    call set_gdt_desc
    mov edi, SEL_DATA64
    mov cl, 0x92
    mov ch, 0xc0
    call set_gdt_desc
    popad
    ret

bits 64
long_entry:
    mov ecx, MSR_EFER
    rdmsr
    mov [r_efer_long], eax
    ; SYSEXIT with REX.W: CS = SYSENTER_CS + 32, SS = + 40, RPL 3, RIP =
    ; RDX, RSP = RCX.  SYSCALL: CS = STAR[47:32], SS = + 8, RIP = LSTAR.
    mov ecx, MSR_SYSENTER_CS
    mov eax, SEL_CODE32
    xor edx, edx
    wrmsr
    mov ecx, MSR_STAR
    xor eax, eax
    mov edx, SEL_CODE64
    wrmsr
    mov ecx, MSR_LSTAR
    mov eax, syscall_entry
    mov rdx, rax
    shr rdx, 32
    wrmsr
    mov ecx, MSR_FMASK
    xor eax, eax
    xor edx, edx
    wrmsr
    mov rax, 0x123456789abcdef0
    mov r15, rax                    ; must survive ring 3 untouched
    mov edx, user_main
    mov ecx, user_stack_top
    o64 sysexit

syscall_entry:
    ; RCX: the return RIP, R11: RFLAGS; RSP is still ring 3's.
    mov [r_x], rax
    mov [r_sum], rbx
    mov [r_rip], rcx
    mov [r_r15], r15
    mov [r_r8], r8
    mov esp, kernel_stack_top
    jmp report64

; Ring 3, 64-bit: xorshift64* ITERS times (Vigna, "An experimental
; exploration of Marsaglia's xorshift generators"), sum in RBX.
user_main:
    mov rax, 0x9e3779b97f4a7c15
    mov r9, 0x2545f4914f6cdd1d
    xor ebx, ebx
    mov r8d, ITERS
.loop:
    mov rdx, rax
    shr rdx, 12
    xor rax, rdx
    mov rdx, rax
    shl rdx, 25
    xor rax, rdx
    mov rdx, rax
    shr rdx, 27
    xor rax, rdx
    mov r10, rax
    imul r10, r9
    add rbx, r10
    dec r8
    jnz .loop
    syscall
user_after_syscall:
    jmp user_after_syscall

; The checks, in 64-bit mode: this host may not allow a return to
; compatibility mode, so the summary and the exit port are written from
; here (the same lines lib.inc's finish prints).
%macro CHECK64 3
section .rodata
%%name: db %1, 0
section .text
    mov rax, %2
    mov rdx, %3
    mov esi, %%name
    call check64
%endmacro

report64:
%ifdef BENCH
    xor eax, eax                    ; timing only: no checks
    out DEBUG_EXIT, al
%endif
    mov eax, [r_efer_long]
    and eax, EFER_LME | EFER_LMA
    CHECK64 "EFER.LME and LMA in 64-bit mode", rax, EFER_LME | EFER_LMA
    CHECK64 "ring 3 xorshift64* state", [r_x], 0x5b5c76151d8a4788
    CHECK64 "ring 3 xorshift64* sum", [r_sum], 0x4c61c276d8196399
    CHECK64 "R8 counted down to 0", [r_r8], 0
    CHECK64 "R15 kept through ring 3", [r_r15], 0x123456789abcdef0
    mov edx, user_after_syscall
    CHECK64 "SYSCALL: RCX = the return RIP", [r_rip], rdx
    mov esi, msg64_summary
    call puts64
    mov eax, [fail_count]
    test eax, eax
    jnz .failed
    mov esi, msg64_all
    call puts64
    mov eax, [pass_count]
    call putdec64
    mov esi, msg64_passed
    call puts64
    xor eax, eax
    out DEBUG_EXIT, al
    jmp $
.failed:
    call putdec64
    mov esi, msg64_of
    call puts64
    mov eax, [fail_count]
    add eax, [pass_count]
    call putdec64
    mov esi, msg64_failed
    call puts64
    mov al, 1
    out DEBUG_EXIT, al
    jmp $

; check64: name RSI, actual RAX, expected RDX.
check64:
    cmp rax, rdx
    jne .fail
    inc dword [pass_count]
    push rsi
    mov esi, msg64_ok
    call puts64
    pop rsi
    call puts64
    mov al, 10
    jmp putc64
.fail:
    inc dword [fail_count]
    push rdx
    push rax
    push rsi
    mov esi, msg64_fail
    call puts64
    pop rsi
    call puts64
    mov esi, msg64_got
    call puts64
    pop rax
    call puthex64
    mov esi, msg64_want
    call puts64
    pop rax
    call puthex64
    mov al, 10
    jmp putc64

putc64:
    push rax
    push rdx
    mov ah, al
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    mov al, ah
    mov dx, COM1
    out dx, al
    pop rdx
    pop rax
    ret

puts64:
    push rsi
.next:
    lodsb
    test al, al
    jz .done
    call putc64
    jmp .next
.done:
    pop rsi
    ret

; RAX as 16 hex digits.
puthex64:
    push rcx
    push rdx
    mov rdx, rax
    mov ecx, 16
.digit:
    rol rdx, 4
    mov eax, edx
    and eax, 0xf
    mov al, [hex_digits + rax]
    call putc64
    dec ecx
    jnz .digit
    pop rdx
    pop rcx
    ret

; EAX in decimal.
putdec64:
    push rbx
    push rcx
    push rdx
    mov ebx, 10
    xor ecx, ecx
.div:
    xor edx, edx
    div ebx
    push rdx
    inc ecx
    test eax, eax
    jnz .div
.out:
    pop rax
    add al, '0'
    call putc64
    dec ecx
    jnz .out
    pop rdx
    pop rcx
    pop rbx
    ret

section .rodata
msg64_ok: db "ok   ", 0
msg64_fail: db "FAIL ", 0
msg64_got: db ": got ", 0
msg64_want: db " want ", 0
msg64_summary: db "== kvm_longmode: ", 0
msg64_all: db "all ", 0
msg64_passed: db " checks passed", 10, 0
msg64_of: db " of ", 0
msg64_failed: db " checks FAILED", 10, 0

section .data
align 8
saved_esp: dd 0
r_efer_long: dd 0
align 8
r_x: dq 0
r_sum: dq 0
r_rip: dq 0
r_r15: dq 0
r_r8: dq 0

section .bss
alignb 4096
pml4: resb 4096
pdpt: resb 4096
pdir: resb 4096
resb 4096
user_stack_top:
resb 4096
kernel_stack_top:
