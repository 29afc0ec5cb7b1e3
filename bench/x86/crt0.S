/*
 * Start-up of the x86 bench kernels: a Multiboot v1 header (Multiboot
 * 0.6.96 §3.1), a stack, the x87 and SSE enabled (SDM Vol 3 §9.6: CR0.MP
 * set and EM clear, CR4.OSFXSR and OSXMMEXCPT set), main(), and the exit
 * through the isa-debug-exit port 0xf4 with main's return value.
 */
    .section .multiboot, "a"
    .align 4
    .long 0x1badb002            /* magic */
    .long 0x00000003            /* page-align modules, memory information */
    .long -(0x1badb002 + 0x00000003)

    .text
    .globl _start
_start:
    mov $stack_top, %esp
    mov %cr0, %eax
    and $~0x4, %eax             /* EM off */
    or $0x22, %eax              /* MP, NE on */
    mov %eax, %cr0
    mov %cr4, %eax
    or $0x600, %eax             /* OSFXSR, OSXMMEXCPT */
    mov %eax, %cr4
    fninit
    call main
    mov $0xf4, %dx
    outl %eax, %dx
1:  hlt
    jmp 1b

    .bss
    .align 16
    .space 65536
stack_top:

    .section .note.GNU-stack, "", @progbits
