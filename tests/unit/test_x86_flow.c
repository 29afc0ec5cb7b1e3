/*
 * The x86 flow groups (x86_insn_branch.c, x86_insn_stack.c,
 * x86_insn_string.c, x86_insn_misc.c): small programs run on a bare x86
 * cpu (RAM only, no board) in flat 32-bit protected mode and in real mode,
 * under the interpreter and under the LLVM tier (sync: every block
 * compiled before it runs), checking registers, memory and flags.  The
 * programs were assembled with NASM; each byte line carries its source.
 * Pure C helpers (POPF's mask, the BCD adjustments, the REP helper's
 * interruption) are called directly.
 *
 * Memory map of the tests: IDT 0x600 (32 interrupt gates to stubs at
 * 0x3000 + 16 * vector that store the vector at 0x9f0 and halt), GDT 0x800
 * (null, 0x08 flat code, 0x10 flat data), code 0x1000, stack below 0x80000
 * (0x8000 in real mode), data from 0x10000, paging structures at 0x100000.
 */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "frontends/x86/x86_flow.h"
#include "frontends/x86/x86_internal.h"
#include "tests/unit/x86_testcpu.h"

#define FLOW_RAM_SIZE (4u << 20)
#define FLOW_CODE     0x1000u
#define FLOW_STACK    0x80000u
#define FLOW_IDT      0x600u
#define FLOW_GDT      0x800u
#define FLOW_STUBS    0x3000u
#define FLOW_VECTOR   0x9f0u /* where a stub stores its vector */
#define FLOW_PGDIR    0x100000u
#define FLOW_PGTAB    0x101000u

/* Flat 32-bit protected mode (the multiboot entry state) with a GDT
 * matching its selectors and an IDT whose stubs record the vector. */
static X86Test *flow_pm32(X86TestAccel accel, const uint8_t *code, size_t len)
{
    X86Test *t = x86test_new(accel, FLOW_RAM_SIZE);
    x86test_vector_stubs(t, FLOW_IDT, FLOW_STUBS, FLOW_VECTOR);
    x86test_flat32_gdt(t, FLOW_CODE, FLOW_GDT, FLOW_STACK);
    x86test_write(t, FLOW_CODE, code, len);
    return t;
}

/* Real mode, CS = DS = ES = SS = 0, IP at FLOW_CODE, SP 0x8000. */
static X86Test *flow_real(X86TestAccel accel, const uint8_t *code, size_t len)
{
    X86Test *t = x86test_new(accel, FLOW_RAM_SIZE);
    x86test_real(t, FLOW_CODE, 0x8000);
    x86test_write(t, FLOW_CODE, code, len);
    return t;
}

/* ---- the programs ---- */

static const uint8_t flow_branch32[] = {
    0xb9, 0x05, 0x00, 0x00, 0x00,                               /* mov ecx, 5 */
    0x31, 0xc0,                                                 /* xor eax, eax */
    0x83, 0xc0, 0x02,                                           /* l1: add eax, 2 */
    0xe2, 0xfb,                                                 /* loop l1 */
    0xe3, 0x05,                                                 /* jecxz z1 */
    0xb8, 0xad, 0x0b, 0x00, 0x00,                               /* mov eax, 0xbad */
    0xb9, 0x03, 0x00, 0x00, 0x00,                               /* z1: mov ecx, 3 */
    0x31, 0xdb,                                                 /* xor ebx, ebx */
    0x43,                                                       /* l2: inc ebx */
    0x83, 0xfb, 0x02,                                           /* cmp ebx, 2 */
    0xe0, 0xfa,                                                 /* loopne l2 */
    0xe8, 0x47, 0x00, 0x00, 0x00,                               /* call f */
    0x6a, 0x01,                                                 /* push 1 */
    0x6a, 0x02,                                                 /* push 2 */
    0xba, 0x6e, 0x10, 0x00, 0x00,                               /* mov edx, g */
    0xff, 0xd2,                                                 /* call edx */
    0xc7, 0x05, 0x00, 0x00, 0x01, 0x00, 0x72, 0x10, 0x00, 0x00, /* mov dword [0x10000], h */
    0xff, 0x15, 0x00, 0x00, 0x01, 0x00,                         /* call [0x10000] */
    0x31, 0xff,                                                 /* xor edi, edi */
    0x83, 0xf8, 0x70,                                           /* cmp eax, 112 */
    0x75, 0x05,                                                 /* jne bad */
    0xbf, 0x0d, 0x60, 0x00, 0x00,                               /* mov edi, 0x600d */
    /* bad: */
    0xbe, 0x54, 0x10, 0x00, 0x00,                               /* mov esi, k */
    0xff, 0xe6,                                                 /* jmp esi */
    0xf4,                                                       /* hlt */
    0xc7, 0x05, 0x04, 0x00, 0x01, 0x00, 0x65, 0x10, 0x00, 0x00, /* k:  mov dword [0x10004], fin */
    0xff, 0x25, 0x04, 0x00, 0x01, 0x00,                         /* jmp [0x10004] */
    0xf4,                                                       /* hlt */
    /* fin: */
    0x83, 0xf8, 0x71, /* cmp eax, 113 */
    0x7c, 0x01,       /* jl fin2 */
    0xf4,             /* hlt */
    /* fin2: */
    0xf4,             /* hlt */
    0x40,             /* f:  inc eax */
    0xc3,             /* ret */
    0x40,             /* g:  inc eax */
    0xc2, 0x08, 0x00, /* ret 8 */
    0x83, 0xc0, 0x64, /* h:  add eax, 100 */
    0xc3,             /* ret */
};

static const uint8_t flow_branch16[] = {
    0xb9, 0x04, 0x00,                   /* mov cx, 4 */
    0x31, 0xc0,                         /* xor ax, ax */
    0x83, 0xc0, 0x03,                   /* l1: add ax, 3 */
    0xe2, 0xfb,                         /* loop l1 */
    0x66, 0xb9, 0x00, 0x00, 0x01, 0x00, /* mov ecx, 0x10000 */
    0xe3, 0x03,                         /* jcxz z1 */
    0xb8, 0xad, 0x0b,                   /* mov ax, 0xbad */
    0xe8, 0x1e, 0x00,                   /* z1: call f */
    0x66, 0xb9, 0x01, 0x00, 0x01, 0x00, /* mov ecx, 0x10001 */
    0xe2, 0x02,                         /* loop n1 */
    0xeb, 0x03,                         /* jmp c1 */
    0xb8, 0xad, 0x0b,                   /* n1: mov ax, 0xbad */
    0x66, 0xb9, 0x01, 0x00, 0x01, 0x00, /* c1: mov ecx, 0x10001 */
    0x67, 0xe2, 0x04,                   /* a32 loop n2 */
    0xbb, 0xad, 0x0b,                   /* mov bx, 0xbad */
    0xf4,                               /* hlt */
    0xbb, 0x0d, 0x60,                   /* n2: mov bx, 0x600d */
    0xf4,                               /* hlt */
    0x40,                               /* f:  inc ax */
    0xc3,                               /* ret */
};

static const uint8_t flow_stack32[] = {
    0xb8, 0x11, 0x11, 0x11, 0x11,                               /* mov eax, 0x11111111 */
    0xb9, 0x22, 0x22, 0x22, 0x22,                               /* mov ecx, 0x22222222 */
    0xba, 0x33, 0x33, 0x33, 0x33,                               /* mov edx, 0x33333333 */
    0xbb, 0x44, 0x44, 0x44, 0x44,                               /* mov ebx, 0x44444444 */
    0xbd, 0x55, 0x55, 0x55, 0x55,                               /* mov ebp, 0x55555555 */
    0xbe, 0x66, 0x66, 0x66, 0x66,                               /* mov esi, 0x66666666 */
    0xbf, 0x77, 0x77, 0x77, 0x77,                               /* mov edi, 0x77777777 */
    0x60,                                                       /* pushad */
    0x89, 0x25, 0x00, 0x00, 0x01, 0x00,                         /* mov [0x10000], esp */
    0x31, 0xc0,                                                 /* xor eax, eax */
    0x31, 0xc9,                                                 /* xor ecx, ecx */
    0x31, 0xd2,                                                 /* xor edx, edx */
    0x31, 0xdb,                                                 /* xor ebx, ebx */
    0x31, 0xed,                                                 /* xor ebp, ebp */
    0x31, 0xf6,                                                 /* xor esi, esi */
    0x31, 0xff,                                                 /* xor edi, edi */
    0x61,                                                       /* popad */
    0x68, 0xaa, 0xaa, 0x00, 0x00,                               /* push 0xaaaa */
    0x68, 0xbb, 0xbb, 0x00, 0x00,                               /* push 0xbbbb */
    0x8f, 0x04, 0x24,                                           /* pop dword [esp] */
    0x8f, 0x05, 0x04, 0x00, 0x01, 0x00,                         /* pop dword [0x10004] */
    0x68, 0xd7, 0x0c, 0x03, 0x00,                               /* push 0x30cd7 */
    0x9d,                                                       /* popfd */
    0x9c,                                                       /* pushfd */
    0x8f, 0x05, 0x08, 0x00, 0x01, 0x00,                         /* pop dword [0x10008] */
    0x6a, 0x00,                                                 /* push 0 */
    0x9d,                                                       /* popfd */
    0x55,                                                       /* push ebp */
    0xbd, 0x00, 0x00, 0x07, 0x00,                               /* mov ebp, 0x70000 */
    0xc7, 0x05, 0xfc, 0xff, 0x06, 0x00, 0x0d, 0xf0, 0x00, 0x00, /* mov dword [0x70000-4], 0xf00d */
    0x89, 0x25, 0x0c, 0x00, 0x01, 0x00,                         /* mov [0x1000c], esp */
    0xbc, 0x00, 0xf0, 0x07, 0x00,                               /* mov esp, 0x7f000 */
    0xc8, 0x10, 0x00, 0x02,                                     /* enter 16, 2 */
    0x89, 0x25, 0x10, 0x00, 0x01, 0x00,                         /* mov [0x10010], esp */
    0x89, 0x2d, 0x14, 0x00, 0x01, 0x00,                         /* mov [0x10014], ebp */
    0xc9,                                                       /* leave */
    0x89, 0x25, 0x18, 0x00, 0x01, 0x00,                         /* mov [0x10018], esp */
    0x89, 0x2d, 0x1c, 0x00, 0x01, 0x00,                         /* mov [0x1001c], ebp */
    0x8b, 0x25, 0x0c, 0x00, 0x01, 0x00,                         /* mov esp, [0x1000c] */
    0x5d,                                                       /* pop ebp */
    0x66, 0x68, 0x34, 0x12,                                     /* push word 0x1234 */
    0x66, 0x8f, 0x05, 0x20, 0x00, 0x01, 0x00,                   /* pop word [0x10020] */
    0xf4,                                                       /* hlt */
};

static const uint8_t flow_stack16[] = {
    0x66, 0xbc, 0x00, 0x00, 0x05, 0x00, /* mov esp, 0x50000 */
    0x68, 0x34, 0x12,                   /* push word 0x1234 */
    0x66, 0x89, 0x26, 0x00, 0x20,       /* mov [0x2000], esp */
    0xb8, 0x11, 0x11,                   /* mov ax, 0x1111 */
    0xb9, 0x22, 0x22,                   /* mov cx, 0x2222 */
    0x60,                               /* pusha */
    0x66, 0x89, 0x26, 0x04, 0x20,       /* mov [0x2004], esp */
    0x31, 0xc0,                         /* xor ax, ax */
    0x31, 0xc9,                         /* xor cx, cx */
    0x61,                               /* popa */
    0x66, 0x89, 0x26, 0x08, 0x20,       /* mov [0x2008], esp */
    0xbd, 0x00, 0x30,                   /* mov bp, 0x3000 */
    0xc8, 0x04, 0x00, 0x00,             /* enter 4, 0 */
    0x66, 0x89, 0x26, 0x0c, 0x20,       /* mov [0x200c], esp */
    0x66, 0x89, 0x2e, 0x10, 0x20,       /* mov [0x2010], ebp */
    0xc9,                               /* leave */
    0x66, 0x89, 0x26, 0x14, 0x20,       /* mov [0x2014], esp */
    0x66, 0x89, 0x2e, 0x18, 0x20,       /* mov [0x2018], ebp */
    0x9c,                               /* pushf */
    0x8f, 0x06, 0x1c, 0x20,             /* pop word [0x201c] */
    0xf4,                               /* hlt */
};

static const uint8_t flow_string32[] = {
    0xfc, /* cld */
    /* ; a) forward overlap: replicate */
    0xbe, 0x00, 0x00, 0x01, 0x00,       /* mov esi, 0x10000 */
    0xbf, 0x01, 0x00, 0x01, 0x00,       /* mov edi, 0x10001 */
    0xb9, 0x08, 0x00, 0x00, 0x00,       /* mov ecx, 8 */
    0xf3, 0xa4,                         /* rep movsb */
    0x89, 0x35, 0x00, 0x0f, 0x01, 0x00, /* mov [0x10f00], esi */
    0x89, 0x3d, 0x04, 0x0f, 0x01, 0x00, /* mov [0x10f04], edi */
    /* ; b) DF=1 dwords */
    0xfd,                               /* std */
    0xbe, 0x0c, 0x01, 0x01, 0x00,       /* mov esi, 0x1010c */
    0xbf, 0x0c, 0x02, 0x01, 0x00,       /* mov edi, 0x1020c */
    0xb9, 0x04, 0x00, 0x00, 0x00,       /* mov ecx, 4 */
    0xf3, 0xa5,                         /* rep movsd */
    0xfc,                               /* cld */
    0x89, 0x35, 0x08, 0x0f, 0x01, 0x00, /* mov [0x10f08], esi */
    0x89, 0x3d, 0x0c, 0x0f, 0x01, 0x00, /* mov [0x10f0c], edi */
    /* ; c) stosw */
    0xbf, 0x00, 0x03, 0x01, 0x00,       /* mov edi, 0x10300 */
    0xb9, 0x03, 0x00, 0x00, 0x00,       /* mov ecx, 3 */
    0x66, 0xb8, 0xef, 0xbe,             /* mov ax, 0xbeef */
    0xf3, 0x66, 0xab,                   /* rep stosw */
    0x89, 0x3d, 0x10, 0x0f, 0x01, 0x00, /* mov [0x10f10], edi */
    /* ; d) ecx = 0 */
    0xbe, 0x00, 0x04, 0x01, 0x00,       /* mov esi, 0x10400 */
    0xbf, 0x00, 0x05, 0x01, 0x00,       /* mov edi, 0x10500 */
    0x31, 0xc9,                         /* xor ecx, ecx */
    0xf3, 0xa4,                         /* rep movsb */
    0x89, 0x35, 0x14, 0x0f, 0x01, 0x00, /* mov [0x10f14], esi */
    0x89, 0x3d, 0x18, 0x0f, 0x01, 0x00, /* mov [0x10f18], edi */
    /* ; e) repe cmpsb */
    0xbe, 0x00, 0x06, 0x01, 0x00,       /* mov esi, 0x10600 */
    0xbf, 0x00, 0x07, 0x01, 0x00,       /* mov edi, 0x10700 */
    0xb9, 0x05, 0x00, 0x00, 0x00,       /* mov ecx, 5 */
    0xf3, 0xa6,                         /* repe cmpsb */
    0x9c,                               /* pushfd */
    0x8f, 0x05, 0x1c, 0x0f, 0x01, 0x00, /* pop dword [0x10f1c] */
    0x89, 0x0d, 0x20, 0x0f, 0x01, 0x00, /* mov [0x10f20], ecx */
    0x89, 0x35, 0x24, 0x0f, 0x01, 0x00, /* mov [0x10f24], esi */
    /* ; f) repne scasb */
    0xbf, 0x00, 0x08, 0x01, 0x00,       /* mov edi, 0x10800 */
    0xb9, 0x64, 0x00, 0x00, 0x00,       /* mov ecx, 100 */
    0x30, 0xc0,                         /* xor al, al */
    0xf2, 0xae,                         /* repne scasb */
    0x9c,                               /* pushfd */
    0x8f, 0x05, 0x28, 0x0f, 0x01, 0x00, /* pop dword [0x10f28] */
    0x89, 0x0d, 0x2c, 0x0f, 0x01, 0x00, /* mov [0x10f2c], ecx */
    0x89, 0x3d, 0x30, 0x0f, 0x01, 0x00, /* mov [0x10f30], edi */
    /* ; g) page crossing, misaligned */
    0xbe, 0xf6, 0x0f, 0x01, 0x00, /* mov esi, 0x10ff6 */
    0xbf, 0xfa, 0x0f, 0x02, 0x00, /* mov edi, 0x20ffa */
    0xb9, 0x05, 0x00, 0x00, 0x00, /* mov ecx, 5 */
    0xf3, 0xa5,                   /* rep movsd */
    /* ; h) inline forms */
    0xbe, 0x00, 0x09, 0x01, 0x00,       /* mov esi, 0x10900 */
    0xbf, 0x00, 0x0a, 0x01, 0x00,       /* mov edi, 0x10a00 */
    0xac,                               /* lodsb */
    0xaa,                               /* stosb */
    0x66, 0xa5,                         /* movsw */
    0x89, 0x35, 0x34, 0x0f, 0x01, 0x00, /* mov [0x10f34], esi */
    0x89, 0x3d, 0x38, 0x0f, 0x01, 0x00, /* mov [0x10f38], edi */
    0xbe, 0x00, 0x09, 0x01, 0x00,       /* mov esi, 0x10900 */
    0xbf, 0x00, 0x09, 0x01, 0x00,       /* mov edi, 0x10900 */
    0x66, 0xa7,                         /* cmpsw */
    0x9c,                               /* pushfd */
    0x8f, 0x05, 0x3c, 0x0f, 0x01, 0x00, /* pop dword [0x10f3c] */
    0xb8, 0x78, 0x56, 0x34, 0x12,       /* mov eax, 0x12345678 */
    0xbf, 0x00, 0x0b, 0x01, 0x00,       /* mov edi, 0x10b00 */
    0xaf,                               /* scasd */
    0x9c,                               /* pushfd */
    0x8f, 0x05, 0x40, 0x0f, 0x01, 0x00, /* pop dword [0x10f40] */
    /* ; i) a long stosb, several helper runs */
    0xbf, 0x00, 0x00, 0x10, 0x00,       /* mov edi, 0x100000 */
    0xb9, 0x01, 0x00, 0x03, 0x00,       /* mov ecx, 0x30001 */
    0xb0, 0x5a,                         /* mov al, 0x5a */
    0xf3, 0xaa,                         /* rep stosb */
    0x89, 0x3d, 0x44, 0x0f, 0x01, 0x00, /* mov [0x10f44], edi */
    0x89, 0x0d, 0x48, 0x0f, 0x01, 0x00, /* mov [0x10f48], ecx */
    0xf4,                               /* hlt */
};

static const uint8_t flow_string16[] = {
    0x66, 0xbe, 0xfe, 0xff, 0x00, 0x30, /* mov esi, 0x3000fffe */
    0x66, 0xbf, 0x00, 0x20, 0x00, 0x40, /* mov edi, 0x40002000 */
    0x66, 0xb9, 0x04, 0x00, 0x00, 0x50, /* mov ecx, 0x50000004 */
    0xf3, 0xa4,                         /* rep movsb */
    0xf4,                               /* hlt */
};

static const uint8_t flow_pagefault[] = {
    0xfc,                               /* cld */
    0xbe, 0x00, 0x0f, 0x02, 0x00,       /* mov esi, 0x20f00 */
    0xbf, 0x00, 0x00, 0x04, 0x00,       /* mov edi, 0x40000 */
    0xb9, 0x00, 0x02, 0x00, 0x00,       /* mov ecx, 0x200 */
    0xf3, 0xa4,                         /* rep movsb */
    0x89, 0x0d, 0x00, 0x0f, 0x01, 0x00, /* mov [0x10f00], ecx */
    0x89, 0x35, 0x04, 0x0f, 0x01, 0x00, /* mov [0x10f04], esi */
    0x89, 0x3d, 0x08, 0x0f, 0x01, 0x00, /* mov [0x10f08], edi */
    0xfd,                               /* std */
    0xbf, 0x08, 0x20, 0x03, 0x00,       /* mov edi, 0x32008 */
    0xb9, 0x08, 0x00, 0x00, 0x00,       /* mov ecx, 8 */
    0xb8, 0x77, 0x77, 0x77, 0x77,       /* mov eax, 0x77777777 */
    0xf3, 0xab,                         /* rep stosd */
    0xfc,                               /* cld */
    0x89, 0x0d, 0x0c, 0x0f, 0x01, 0x00, /* mov [0x10f0c], ecx */
    0x89, 0x3d, 0x10, 0x0f, 0x01, 0x00, /* mov [0x10f10], edi */
    0xf4,                               /* hlt */
    /* pf: */
    0x50,                                     /* push eax */
    0x55,                                     /* push ebp */
    0xa1, 0xf4, 0x09, 0x00, 0x00,             /* mov eax, [0x9f4] */
    0xff, 0x05, 0xf4, 0x09, 0x00, 0x00,       /* inc dword [0x9f4] */
    0xc1, 0xe0, 0x05,                         /* shl eax, 5 */
    0x89, 0x88, 0xa0, 0x09, 0x00, 0x00,       /* mov [0x9a0+eax], ecx */
    0x89, 0xb0, 0xa4, 0x09, 0x00, 0x00,       /* mov [0x9a4+eax], esi */
    0x89, 0xb8, 0xa8, 0x09, 0x00, 0x00,       /* mov [0x9a8+eax], edi */
    0x0f, 0x20, 0xd5,                         /* mov ebp, cr2 */
    0x89, 0xa8, 0xb0, 0x09, 0x00, 0x00,       /* mov [0x9b0+eax], ebp */
    0x8b, 0x6c, 0x24, 0x0c,                   /* mov ebp, [esp+12] */
    0x89, 0xa8, 0xb4, 0x09, 0x00, 0x00,       /* mov [0x9b4+eax], ebp */
    0x8b, 0x6c, 0x24, 0x08,                   /* mov ebp, [esp+8] */
    0x89, 0xa8, 0xb8, 0x09, 0x00, 0x00,       /* mov [0x9b8+eax], ebp */
    0x0f, 0x20, 0xd5,                         /* mov ebp, cr2 */
    0x81, 0xe5, 0x00, 0xf0, 0xff, 0xff,       /* and ebp, 0xfffff000 */
    0x89, 0xe8,                               /* mov eax, ebp */
    0x83, 0xc8, 0x03,                         /* or eax, 3 */
    0xc1, 0xed, 0x0c,                         /* shr ebp, 12 */
    0x89, 0x04, 0xad, 0x00, 0x10, 0x10, 0x00, /* mov [0x101000+ebp*4], eax */
    0x0f, 0x20, 0xd5,                         /* mov ebp, cr2 */
    0x0f, 0x01, 0x7d, 0x00,                   /* invlpg [ebp] */
    0x5d,                                     /* pop ebp */
    0x58,                                     /* pop eax */
    0x83, 0xc4, 0x04,                         /* add esp, 4 */
    0xcf,                                     /* iret */
};

static const uint8_t flow_misc32[] = {
    0xc7, 0x05, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, /* mov dword [0x10000], 0 */
    0xc7, 0x05, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, /* mov dword [0x10004], 0 */
    0xb8, 0x23, 0x00, 0x00, 0x00,                               /* mov eax, 35 */
    0x0f, 0xab, 0x05, 0x00, 0x00, 0x01, 0x00,                   /* bts [0x10000], eax */
    0xb8, 0xff, 0xff, 0xff, 0xff,                               /* mov eax, -1 */
    0x0f, 0xab, 0x05, 0x04, 0x00, 0x01, 0x00,                   /* bts [0x10004], eax */
    0x0f, 0xba, 0x25, 0x04, 0x00, 0x01, 0x00, 0x03,             /* bt dword [0x10004], 3 */
    0x0f, 0x92, 0x05, 0x00, 0x01, 0x01, 0x00,                   /* setc [0x10100] */
    0xb9, 0x10, 0x00, 0x00, 0x00,                               /* mov ecx, 0x10 */
    0x0f, 0xba, 0xf9, 0x24,                                     /* btc ecx, 36 */
    0x0f, 0x92, 0x05, 0x01, 0x01, 0x01, 0x00,                   /* setc [0x10101] */
    0x89, 0x0d, 0x04, 0x01, 0x01, 0x00,                         /* mov [0x10104], ecx */
    0x81, 0x0d, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x40, /* or dword [0x10004], 0x40000000 */
    0xb8, 0xfe, 0xff, 0xff, 0xff,                               /* mov eax, -2 */
    0x66, 0x0f, 0xb3, 0x05, 0x08, 0x00, 0x01, 0x00,             /* btr [0x10008], ax */
    0x0f, 0x92, 0x05, 0x02, 0x01, 0x01, 0x00,                   /* setc [0x10102] */
    /* ; bsf/bsr */
    0xbb, 0x78, 0x56, 0x34, 0x12,             /* mov ebx, 0x12345678 */
    0x31, 0xc0,                               /* xor eax, eax */
    0x0f, 0xbc, 0xd8,                         /* bsf ebx, eax */
    0x0f, 0x94, 0x05, 0x08, 0x01, 0x01, 0x00, /* setz [0x10108] */
    0x89, 0x1d, 0x0c, 0x01, 0x01, 0x00,       /* mov [0x1010c], ebx */
    0xb8, 0x00, 0x01, 0xf0, 0x00,             /* mov eax, 0x00f00100 */
    0x0f, 0xbc, 0xd8,                         /* bsf ebx, eax */
    0x89, 0x1d, 0x10, 0x01, 0x01, 0x00,       /* mov [0x10110], ebx */
    0x0f, 0xbd, 0xd8,                         /* bsr ebx, eax */
    0x89, 0x1d, 0x14, 0x01, 0x01, 0x00,       /* mov [0x10114], ebx */
    /* ; bswap */
    0xb8, 0x44, 0x33, 0x22, 0x11, /* mov eax, 0x11223344 */
    0x0f, 0xc8,                   /* bswap eax */
    0xa3, 0x18, 0x01, 0x01, 0x00, /* mov [0x10118], eax */
    /* ; cmpxchg */
    0xc7, 0x05, 0x10, 0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, /* mov dword [0x10010], 5 */
    0xb8, 0x05, 0x00, 0x00, 0x00,                               /* mov eax, 5 */
    0xb9, 0x09, 0x00, 0x00, 0x00,                               /* mov ecx, 9 */
    0x0f, 0xb1, 0x0d, 0x10, 0x00, 0x01, 0x00,                   /* cmpxchg [0x10010], ecx */
    0x0f, 0x94, 0x05, 0x1c, 0x01, 0x01, 0x00,                   /* setz [0x1011c] */
    0xb8, 0x04, 0x00, 0x00, 0x00,                               /* mov eax, 4 */
    0x0f, 0xb1, 0x0d, 0x10, 0x00, 0x01, 0x00,                   /* cmpxchg [0x10010], ecx */
    0x0f, 0x94, 0x05, 0x1d, 0x01, 0x01, 0x00,                   /* setz [0x1011d] */
    0xa3, 0x20, 0x01, 0x01, 0x00,                               /* mov [0x10120], eax */
    /* ; cmpxchg8b */
    0xc7, 0x05, 0x18, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, /* mov dword [0x10018], 1 */
    0xc7, 0x05, 0x1c, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, /* mov dword [0x1001c], 2 */
    0xb8, 0x01, 0x00, 0x00, 0x00,                               /* mov eax, 1 */
    0xba, 0x02, 0x00, 0x00, 0x00,                               /* mov edx, 2 */
    0xbb, 0xaa, 0xaa, 0x00, 0x00,                               /* mov ebx, 0xaaaa */
    0xb9, 0xbb, 0xbb, 0x00, 0x00,                               /* mov ecx, 0xbbbb */
    0x0f, 0xc7, 0x0d, 0x18, 0x00, 0x01, 0x00,                   /* cmpxchg8b [0x10018] */
    0x0f, 0x94, 0x05, 0x1e, 0x01, 0x01, 0x00,                   /* setz [0x1011e] */
    0xb8, 0x00, 0x00, 0x00, 0x00,                               /* mov eax, 0 */
    0x0f, 0xc7, 0x0d, 0x18, 0x00, 0x01, 0x00,                   /* cmpxchg8b [0x10018] */
    0x0f, 0x94, 0x05, 0x1f, 0x01, 0x01, 0x00,                   /* setz [0x1011f] */
    0xa3, 0x24, 0x01, 0x01, 0x00,                               /* mov [0x10124], eax */
    0x89, 0x15, 0x28, 0x01, 0x01, 0x00,                         /* mov [0x10128], edx */
    /* ; xadd */
    0xc7, 0x05, 0x20, 0x00, 0x01, 0x00, 0x0a, 0x00, 0x00, 0x00, /* mov dword [0x10020], 10 */
    0xb8, 0x03, 0x00, 0x00, 0x00,                               /* mov eax, 3 */
    0x0f, 0xc1, 0x05, 0x20, 0x00, 0x01, 0x00,                   /* xadd [0x10020], eax */
    0xa3, 0x2c, 0x01, 0x01, 0x00,                               /* mov [0x1012c], eax */
    0xbb, 0x07, 0x00, 0x00, 0x00,                               /* mov ebx, 7 */
    0x0f, 0xc1, 0xdb,                                           /* xadd ebx, ebx */
    0x89, 0x1d, 0x30, 0x01, 0x01, 0x00,                         /* mov [0x10130], ebx */
    /* ; xlat */
    0xbb, 0x00, 0x02, 0x01, 0x00, /* mov ebx, 0x10200 */
    0xb0, 0x03,                   /* mov al, 3 */
    0xd7,                         /* xlatb */
    0xa2, 0x34, 0x01, 0x01, 0x00, /* mov [0x10134], al */
    /* ; lahf/sahf/stc/cmc/clc */
    0xf9,                               /* stc */
    0x9f,                               /* lahf */
    0x88, 0x25, 0x35, 0x01, 0x01, 0x00, /* mov [0x10135], ah */
    0xb4, 0xc1,                         /* mov ah, 0xc1 */
    0x9e,                               /* sahf */
    0x9c,                               /* pushfd */
    0x8f, 0x05, 0x38, 0x01, 0x01, 0x00, /* pop dword [0x10138] */
    0xf5,                               /* cmc */
    0xd6,                               /* salc */
    0xa2, 0x3c, 0x01, 0x01, 0x00,       /* mov [0x1013c], al */
    0xf9,                               /* stc */
    0xd6,                               /* salc */
    0xa2, 0x3d, 0x01, 0x01, 0x00,       /* mov [0x1013d], al */
    /* ; cmov */
    0xb8, 0x01, 0x00, 0x00, 0x00, /* mov eax, 1 */
    0xbb, 0x02, 0x00, 0x00, 0x00, /* mov ebx, 2 */
    0x39, 0xd8,                   /* cmp eax, ebx */
    0x0f, 0x4c, 0xc3,             /* cmovl eax, ebx */
    0x0f, 0x4f, 0xcb,             /* cmovg ecx, ebx */
    0xa3, 0x40, 0x01, 0x01, 0x00, /* mov [0x10140], eax */
    /* ; bcd */
    0x66, 0xb8, 0x79, 0x00,             /* mov ax, 0x0079 */
    0x04, 0x35,                         /* add al, 0x35 */
    0x27,                               /* daa */
    0x66, 0xa3, 0x44, 0x01, 0x01, 0x00, /* mov [0x10144], ax */
    0x9c,                               /* pushfd */
    0x8f, 0x05, 0x48, 0x01, 0x01, 0x00, /* pop dword [0x10148] */
    0x66, 0xb8, 0x35, 0x00,             /* mov ax, 0x0035 */
    0x2c, 0x47,                         /* sub al, 0x47 */
    0x2f,                               /* das */
    0x66, 0xa3, 0x4c, 0x01, 0x01, 0x00, /* mov [0x1014c], ax */
    0x66, 0xb8, 0x09, 0x01,             /* mov ax, 0x0109 */
    0x04, 0x08,                         /* add al, 0x08 */
    0x37,                               /* aaa */
    0x66, 0xa3, 0x50, 0x01, 0x01, 0x00, /* mov [0x10150], ax */
    0x66, 0xb8, 0x03, 0x02,             /* mov ax, 0x0203 */
    0x2c, 0x05,                         /* sub al, 0x05 */
    0x3f,                               /* aas */
    0x66, 0xa3, 0x54, 0x01, 0x01, 0x00, /* mov [0x10154], ax */
    0xb0, 0x4d,                         /* mov al, 77 */
    0xd4, 0x0a,                         /* aam */
    0x66, 0xa3, 0x58, 0x01, 0x01, 0x00, /* mov [0x10158], ax */
    0x66, 0xb8, 0x03, 0x07,             /* mov ax, 0x0703 */
    0xd5, 0x0a,                         /* aad */
    0x66, 0xa3, 0x5c, 0x01, 0x01, 0x00, /* mov [0x1015c], ax */
    0xb0, 0x05,                         /* mov al, 5 */
    0xd4, 0x00,                         /* aam 0 */
    0xf4,                               /* hlt */
};

static const uint8_t flow_io32[] = {
    0xbf, 0x00, 0x00, 0x01, 0x00, /* mov edi, 0x10000 */
    0xb9, 0x03, 0x00, 0x00, 0x00, /* mov ecx, 3 */
    0x66, 0xba, 0x34, 0x12,       /* mov dx, 0x1234 */
    0xf3, 0x66, 0x6d,             /* rep insw */
    0xbe, 0x00, 0x00, 0x01, 0x00, /* mov esi, 0x10000 */
    0xb9, 0x02, 0x00, 0x00, 0x00, /* mov ecx, 2 */
    0xf3, 0x6e,                   /* rep outsb */
    0x6f,                         /* outsd */
    0xf4,                         /* hlt */
};

/* ---- branches ---- */

X86TEST_BOTH(x86_flow, branch32)
{
    X86Test *t = flow_pm32(accel, flow_branch32, sizeof flow_branch32);
    x86test_run(t);
    cr_assert_eq(x86test_reg(t, X86_EAX), 112); /* 5 x 2, then f, g, h: 1 + 1 + 100 */
    cr_assert_eq(x86test_reg(t, X86_EBX), 2);   /* LOOPNE left when EBX = 2 set ZF */
    cr_assert_eq(x86test_reg(t, X86_ECX), 1);
    cr_assert_eq(x86test_reg(t, X86_EDI), 0x600d);
    cr_assert_eq(x86test_reg(t, X86_ESP), FLOW_STACK);   /* RET 8 released the arguments */
    cr_assert_eq(x86_get_eip(t->cpu), FLOW_CODE + 0x6c); /* after fin2's HLT */
    x86test_free(t);
}

X86TEST_BOTH(x86_flow, branch16)
{
    X86Test *t = flow_real(accel, flow_branch16, sizeof flow_branch16);
    x86test_run(t);
    cr_assert_eq(x86test_reg(t, X86_EAX) & 0xffff, 13);
    cr_assert_eq(x86test_reg(t, X86_EBX) & 0xffff, 0x600d); /* A32 LOOP counted ECX */
    cr_assert_eq(x86test_reg(t, X86_ECX), 0x10000);
    cr_assert_eq(x86test_reg(t, X86_ESP), 0x8000);
    cr_assert_eq(x86_get_eip(t->cpu), FLOW_CODE + 0x36);
    x86test_free(t);
}

/* JMP rel16 with an operand-size prefix in 32-bit code: the target EIP
 * wraps to 16 bits (SDM Vol 2 JMP "Operation"). */
X86TEST_BOTH(x86_flow, jmp_target_wraps_to_16_bits)
{
    static const uint8_t jmp[] = {0x66, 0xe9, 0xfc, 0x0f}; /* o16 jmp 0x12000 & 0xffff */
    static const uint8_t low[] = {0xb8, 0x01, 0x00, 0x00, 0x00, 0xf4};  /* mov eax, 1; hlt */
    static const uint8_t high[] = {0xb8, 0x02, 0x00, 0x00, 0x00, 0xf4}; /* mov eax, 2; hlt */
    X86Test *t = flow_pm32(accel, jmp, sizeof jmp);
    x86test_write(t, FLOW_CODE + 0x10000, jmp, sizeof jmp);
    x86test_write(t, 0x2000, low, sizeof low);
    x86test_write(t, 0x12000, high, sizeof high);
    x86_set_eip(t->cpu, FLOW_CODE + 0x10000);
    x86test_run(t);
    cr_assert_eq(x86test_reg(t, X86_EAX), 1);
    x86test_free(t);
}

/* ---- the stack ---- */

X86TEST_BOTH(x86_flow, stack32)
{
    X86Test *t = flow_pm32(accel, flow_stack32, sizeof flow_stack32);
    x86test_run(t);
    static const uint32_t want[8] = {0x11111111, 0x22222222, 0x33333333, 0x44444444,
                                     FLOW_STACK, 0x55555555, 0x66666666, 0x77777777};
    for (unsigned r = 0; r < 8; r++)
        cr_assert_eq(x86test_reg(t, r), want[r], "register %u: %#x", r, x86test_reg(t, r));
    cr_assert_eq(x86test_read32(t, 0x10000), FLOW_STACK - 32); /* ESP after PUSHAD */
    /* PUSHAD's image (its top slots were reused by later pushes): ESP
     * before the pushes in the fifth slot, EDI lowest. */
    cr_assert_eq(x86test_read32(t, FLOW_STACK - 20), FLOW_STACK);
    cr_assert_eq(x86test_read32(t, FLOW_STACK - 32), 0x77777777);
    /* POP [ESP] stores at the incremented ESP. */
    cr_assert_eq(x86test_read32(t, 0x10004), 0xbbbb);
    /* POPFD cannot set VM or RF; PUSHFD shows the rest. */
    cr_assert_eq(x86test_read32(t, 0x10008), 0xcd7);
    /* ENTER 16, 2 from EBP 0x70000, ESP 0x7f000, then LEAVE. */
    cr_assert_eq(x86test_read32(t, 0x10010), 0x7efe4);
    cr_assert_eq(x86test_read32(t, 0x10014), 0x7effc);
    cr_assert_eq(x86test_read32(t, 0x7effc), 0x70000);
    cr_assert_eq(x86test_read32(t, 0x7eff8), 0xf00d); /* copied from the outer frame */
    cr_assert_eq(x86test_read32(t, 0x7eff4), 0x7effc);
    cr_assert_eq(x86test_read32(t, 0x10018), 0x7f000);
    cr_assert_eq(x86test_read32(t, 0x1001c), 0x70000);
    cr_assert_eq(x86test_read16(t, 0x10020), 0x1234);
    x86test_free(t);
}

X86TEST_BOTH(x86_flow, stack16)
{
    X86Test *t = flow_real(accel, flow_stack16, sizeof flow_stack16);
    x86test_run(t);
    /* SP wraps inside SS, ESP's high half stays. */
    cr_assert_eq(x86test_read32(t, 0x2000), 0x5fffe);
    cr_assert_eq(x86test_read16(t, 0xfffe), 0x1234);
    cr_assert_eq(x86test_read32(t, 0x2004), 0x5ffee);
    cr_assert_eq(x86test_read32(t, 0x2008), 0x5fffe);
    cr_assert_eq(x86test_reg(t, X86_EAX) & 0xffff, 0x1111);
    cr_assert_eq(x86test_reg(t, X86_ECX) & 0xffff, 0x2222);
    cr_assert_eq(x86test_read32(t, 0x200c), 0x5fff8); /* ENTER 4, 0 */
    cr_assert_eq(x86test_read32(t, 0x2010), 0xfffc);
    cr_assert_eq(x86test_read32(t, 0x2014), 0x5fffe); /* LEAVE */
    cr_assert_eq(x86test_read32(t, 0x2018), 0x3000);
    cr_assert_eq(x86test_read16(t, 0x201c), 0x0046); /* PUSHF after XOR: ZF PF */
    x86test_free(t);
}

/* ---- strings ---- */

static void string32_data(X86Test *t)
{
    x86test_write(t, 0x10000, "ABCDEFGHI", 9);
    for (uint32_t i = 0; i < 4; i++)
        x86test_write32(t, 0x10100 + 4 * i, 0x01010101u * (i + 1));
    x86test_write32(t, 0x10500, 0xcafef00d);
    x86test_write(t, 0x10600, "hello", 5);
    x86test_write(t, 0x10700, "help!", 5);
    x86test_write(t, 0x10800, "abc", 4);
    for (uint32_t i = 0; i < 20; i++)
        x86test_write(t, 0x10ff6 + i, &(uint8_t){(uint8_t)(0x30 + i)}, 1);
    x86test_write(t, 0x10900, "\x11\x22\x33", 3);
    x86test_write32(t, 0x10b00, 0x12345679);
}

X86TEST_BOTH(x86_flow, string32)
{
    X86Test *t = flow_pm32(accel, flow_string32, sizeof flow_string32);
    string32_data(t);
    x86test_run(t);
    /* a) forward MOVSB onto src + 1 replicates the first byte. */
    for (uint32_t i = 0; i < 9; i++)
        cr_assert_eq(x86test_read8(t, 0x10000 + i), 'A', "byte %u", i);
    cr_assert_eq(x86test_read32(t, 0x10f00), 0x10008);
    cr_assert_eq(x86test_read32(t, 0x10f04), 0x10009);
    /* b) DF = 1 MOVSD. */
    for (uint32_t i = 0; i < 4; i++)
        cr_assert_eq(x86test_read32(t, 0x10200 + 4 * i), 0x01010101u * (i + 1));
    cr_assert_eq(x86test_read32(t, 0x10f08), 0x100fc);
    cr_assert_eq(x86test_read32(t, 0x10f0c), 0x101fc);
    /* c) STOSW. */
    for (uint32_t i = 0; i < 3; i++)
        cr_assert_eq(x86test_read16(t, 0x10300 + 2 * i), 0xbeef);
    cr_assert_eq(x86test_read16(t, 0x10306), 0);
    cr_assert_eq(x86test_read32(t, 0x10f10), 0x10306);
    /* d) ECX = 0: nothing. */
    cr_assert_eq(x86test_read32(t, 0x10f14), 0x10400);
    cr_assert_eq(x86test_read32(t, 0x10f18), 0x10500);
    cr_assert_eq(x86test_read32(t, 0x10500), 0xcafef00d);
    /* e) REPE CMPSB stops after 'l' - 'p'. */
    cr_assert_eq(x86test_read32(t, 0x10f1c) & (X86_CF | X86_ZF | X86_SF), X86_CF | X86_SF);
    cr_assert_eq(x86test_read32(t, 0x10f20), 1);
    cr_assert_eq(x86test_read32(t, 0x10f24), 0x10604);
    /* f) REPNE SCASB finds the 0. */
    cr_assert(x86test_read32(t, 0x10f28) & X86_ZF);
    cr_assert_eq(x86test_read32(t, 0x10f2c), 96);
    cr_assert_eq(x86test_read32(t, 0x10f30), 0x10804);
    /* g) misaligned dwords across page boundaries on both sides. */
    for (uint32_t i = 0; i < 20; i++)
        cr_assert_eq(x86test_read8(t, 0x20ffa + i), 0x30 + i, "byte %u", i);
    /* h) the forms without a prefix. */
    cr_assert_eq(x86test_read8(t, 0x10a00), 0x11);
    cr_assert_eq(x86test_read16(t, 0x10a01), 0x3322);
    cr_assert_eq(x86test_read32(t, 0x10f34), 0x10903);
    cr_assert_eq(x86test_read32(t, 0x10f38), 0x10a03);
    cr_assert(x86test_read32(t, 0x10f3c) & X86_ZF);
    cr_assert_eq(x86test_read32(t, 0x10f40) & (X86_CF | X86_ZF | X86_SF), X86_CF | X86_SF);
    /* i) 0x30001 bytes: several helper runs, each ending with a jump
     * back to the instruction. */
    cr_assert_eq(x86test_read32(t, 0x10f44), 0x130001);
    cr_assert_eq(x86test_read32(t, 0x10f48), 0);
    uint8_t *buf = malloc(0x30002);
    x86test_read(t, 0x100000, buf, 0x30002);
    for (uint32_t i = 0; i < 0x30001; i++)
        if (buf[i] != 0x5a) cr_assert_fail("byte %#x is %#x", i, buf[i]);
    cr_assert_eq(buf[0x30001], 0);
    free(buf);
    x86test_free(t);
}

/* Real mode, 16-bit addressing: SI wraps within the segment, the high
 * halves of ESI, EDI and ECX stay. */
X86TEST_BOTH(x86_flow, string16_offsets_wrap)
{
    X86Test *t = flow_real(accel, flow_string16, sizeof flow_string16);
    x86test_write(t, 0xfffe, "\xa1\xa2", 2);
    x86test_write(t, 0x0000, "\xa3\xa4", 2);
    x86test_run(t);
    cr_assert_eq(x86test_read32(t, 0x2000), 0xa4a3a2a1);
    cr_assert_eq(x86test_reg(t, X86_ESI), 0x30000002);
    cr_assert_eq(x86test_reg(t, X86_EDI), 0x40002004);
    cr_assert_eq(x86test_reg(t, X86_ECX), 0x50000000);
    x86test_free(t);
}

/* A page fault in the middle of REP MOVSB (source) and REP STOSD with
 * DF = 1 (destination): the handler sees ECX/ESI/EDI at the completed
 * iterations, CR2 at the faulting element and the REP instruction's EIP;
 * it maps the page and IRETs, and the instruction finishes. */
X86TEST_BOTH(x86_flow, rep_page_fault_restarts)
{
    X86Test *t = flow_pm32(accel, flow_pagefault, sizeof flow_pagefault);
    x86test_identity_paging(t, FLOW_PGDIR, FLOW_PGTAB);
    x86test_unmap_page(t, FLOW_PGTAB, 0x21000);
    x86test_unmap_page(t, FLOW_PGTAB, 0x31000);
    x86test_write64(t, FLOW_IDT + 8 * X86_EXCP_PF,
                    x86test_int_gate(X86TEST_SEL_CODE, FLOW_CODE + 0x44));
    for (uint32_t i = 0; i < 0x200; i++)
        x86test_write(t, 0x20f00 + i, &(uint8_t){(uint8_t)(i * 7 + 1)}, 1);
    x86test_enable_paging(t, FLOW_PGDIR);
    x86test_run(t);
    cr_assert_eq(x86test_read32(t, 0x9f4), 2, "page faults taken");
    /* MOVSB: 0x100 bytes done when the source reached 0x21000. */
    cr_assert_eq(x86test_read32(t, 0x9a0), 0x100);
    cr_assert_eq(x86test_read32(t, 0x9a4), 0x21000);
    cr_assert_eq(x86test_read32(t, 0x9a8), 0x40100);
    cr_assert_eq(x86test_read32(t, 0x9b0), 0x21000);
    cr_assert_eq(x86test_read32(t, 0x9b4), FLOW_CODE + 0x10);
    cr_assert_eq(x86test_read32(t, 0x9b8), 0); /* not present, read, supervisor */
    cr_assert_eq(x86test_read32(t, 0x10f00), 0);
    cr_assert_eq(x86test_read32(t, 0x10f04), 0x21100);
    cr_assert_eq(x86test_read32(t, 0x10f08), 0x40200);
    for (uint32_t i = 0; i < 0x200; i++)
        cr_assert_eq(x86test_read8(t, 0x40000 + i), (uint8_t)(i * 7 + 1), "byte %#x", i);
    /* STOSD downwards: three dwords stored, the fourth at 0x31ffc faults. */
    cr_assert_eq(x86test_read32(t, 0x9c0), 5);
    cr_assert_eq(x86test_read32(t, 0x9c8), 0x31ffc);
    cr_assert_eq(x86test_read32(t, 0x9d0), 0x31ffc);
    cr_assert_eq(x86test_read32(t, 0x9d4), FLOW_CODE + 0x34);
    cr_assert_eq(x86test_read32(t, 0x9d8), 2); /* not present, write */
    cr_assert_eq(x86test_read32(t, 0x10f0c), 0);
    cr_assert_eq(x86test_read32(t, 0x10f10), 0x31fe8);
    for (uint32_t a = 0x31fec; a < 0x3200c; a += 4)
        cr_assert_eq(x86test_read32(t, a), 0x77777777, "dword at %#x", a);
    cr_assert_eq(x86test_read32(t, 0x3200c), 0);
    x86test_free(t);
}

/* INS and OUTS with and without REP; no device answers, so input reads
 * all ones (the floating bus). */
X86TEST_BOTH(x86_flow, ins_outs)
{
    X86Test *t = flow_pm32(accel, flow_io32, sizeof flow_io32);
    x86test_run(t);
    for (uint32_t i = 0; i < 6; i++)
        cr_assert_eq(x86test_read8(t, 0x10000 + i), 0xff, "byte %u", i);
    cr_assert_eq(x86test_read8(t, 0x10006), 0);
    cr_assert_eq(x86test_reg(t, X86_EDI), 0x10006);
    cr_assert_eq(x86test_reg(t, X86_ESI), 0x10006);
    cr_assert_eq(x86test_reg(t, X86_ECX), 0);
    x86test_free(t);
}

/* ---- misc ---- */

X86TEST_BOTH(x86_flow, misc32)
{
    X86Test *t = flow_pm32(accel, flow_misc32, sizeof flow_misc32);
    x86test_write(t, 0x10200, "\x10\x20\x30\x99", 4);
    x86test_run(t);
    /* BTS with a register offset on memory: 35 selects the next dword,
     * -1 bit 31 of the dword before. */
    cr_assert_eq(x86test_read32(t, 0x10004), 8);
    cr_assert_eq(x86test_read32(t, 0x10000), 0x80000000u);
    cr_assert_eq(x86test_read8(t, 0x10100), 1); /* BT imm */
    cr_assert_eq(x86test_read8(t, 0x10101), 1); /* BTC reg, 36: bit 4 */
    cr_assert_eq(x86test_read32(t, 0x10104), 0);
    cr_assert_eq(x86test_read8(t, 0x10102), 1);           /* BTR word, -2: bit 14 of [0x10006] */
    cr_assert_eq(x86test_read8(t, 0x10108), 1);           /* BSF of 0: ZF */
    cr_assert_eq(x86test_read32(t, 0x1010c), 0x12345678); /* ... destination kept */
    cr_assert_eq(x86test_read32(t, 0x10110), 8);
    cr_assert_eq(x86test_read32(t, 0x10114), 23);
    cr_assert_eq(x86test_read32(t, 0x10118), 0x44332211);
    cr_assert_eq(x86test_read32(t, 0x10010), 9); /* CMPXCHG stored ECX */
    cr_assert_eq(x86test_read8(t, 0x1011c), 1);
    cr_assert_eq(x86test_read8(t, 0x1011d), 0);
    cr_assert_eq(x86test_read32(t, 0x10120), 9);      /* ... then loaded EAX */
    cr_assert_eq(x86test_read32(t, 0x10018), 0xaaaa); /* CMPXCHG8B */
    cr_assert_eq(x86test_read32(t, 0x1001c), 0xbbbb);
    cr_assert_eq(x86test_read8(t, 0x1011e), 1);
    cr_assert_eq(x86test_read8(t, 0x1011f), 0);
    cr_assert_eq(x86test_read32(t, 0x10124), 0xaaaa);
    cr_assert_eq(x86test_read32(t, 0x10128), 0xbbbb);
    cr_assert_eq(x86test_read32(t, 0x10020), 13); /* XADD */
    cr_assert_eq(x86test_read32(t, 0x1012c), 10);
    cr_assert_eq(x86test_read32(t, 0x10130), 14);
    cr_assert_eq(x86test_read8(t, 0x10134), 0x99);                          /* XLAT */
    cr_assert_eq(x86test_read8(t, 0x10135), 0x03);                          /* LAHF after STC */
    cr_assert_eq(x86test_read32(t, 0x10138) & (X86_ARITH_FLAGS | 2), 0xc3); /* SAHF C1 */
    cr_assert_eq(x86test_read8(t, 0x1013c), 0x00);                          /* SALC */
    cr_assert_eq(x86test_read8(t, 0x1013d), 0xff);
    cr_assert_eq(x86test_read32(t, 0x10140), 2);      /* CMOVL taken */
    cr_assert_eq(x86test_reg(t, X86_ECX), 0xbbbb);    /* CMOVG not */
    cr_assert_eq(x86test_read16(t, 0x10144), 0x0014); /* 79 + 35 = 114 */
    cr_assert_eq(x86test_read32(t, 0x10148) & X86_ARITH_FLAGS, X86_CF | X86_AF | X86_PF);
    cr_assert_eq(x86test_read16(t, 0x1014c), 0x0088); /* 35 - 47 = -12: 88, CF */
    cr_assert_eq(x86test_read16(t, 0x10150), 0x0207); /* AAA */
    cr_assert_eq(x86test_read16(t, 0x10154), 0x0108); /* AAS */
    cr_assert_eq(x86test_read16(t, 0x10158), 0x0707); /* AAM 77 */
    cr_assert_eq(x86test_read16(t, 0x1015c), 0x0049); /* AAD 0703 */
    /* AAM 0: #DE with EIP at the instruction. */
    cr_assert_eq(x86test_read32(t, FLOW_VECTOR), X86_EXCP_DE);
    cr_assert_eq(x86test_read32(t, x86test_reg(t, X86_ESP)), FLOW_CODE + 0x1f7);
    x86test_free(t);
}

X86TEST_BOTH(x86_flow, ud2_raises_ud)
{
    static const uint8_t code[] = {0x0f, 0x18, 0x00, 0x0f,
                                   0x1e, 0xc0, 0x0f, 0x0b}; /* prefetchnta [eax]; nop eax; ud2 */
    X86Test *t = flow_pm32(accel, code, sizeof code);
    x86test_run(t);
    cr_assert_eq(x86test_read32(t, FLOW_VECTOR), X86_EXCP_UD);
    cr_assert_eq(x86test_read32(t, x86test_reg(t, X86_ESP)), FLOW_CODE + 6);
    x86test_free(t);
}

/* ---- C helpers called directly ---- */

/* A REP string helper stops after one piece when the cpu is asked to
 * leave, with the registers at the elements done; the block then runs the
 * instruction again (x86_string_run returns 1). */
Test(x86_flow, rep_helper_stops_on_exit_request)
{
    X86Test *t = flow_pm32(X86T_INTERP, (const uint8_t[]){0xf4}, 1);
    X86CPU *cpu = t->cpu;
    cpu->regs[X86_EDI] = 0x100800;
    cpu->regs[X86_ECX] = 0x30000;
    cpu->regs[X86_EAX] = 0x66;
    atomic_store(&cpu->common.exit_request, 1);
    uint32_t word = X86_STR_WORD(X86_STR_STOS, 1, 4, X86_SEG_DS, X86_STR_REPE);
    cr_assert_eq(x86_string_run(cpu, word), 1);
    /* One piece: up to the end of the page. */
    cr_assert_eq(cpu->regs[X86_ECX], 0x30000 - 0x800);
    cr_assert_eq(cpu->regs[X86_EDI], 0x101000);
    cr_assert_eq(x86test_read8(t, 0x100fff), 0x66);
    cr_assert_eq(x86test_read8(t, 0x101000), 0);
    atomic_store(&cpu->common.exit_request, 0);
    while (x86_string_run(cpu, word))
        ;
    cr_assert_eq(cpu->regs[X86_ECX], 0);
    cr_assert_eq(cpu->regs[X86_EDI], 0x130800);
    cr_assert_eq(x86test_read8(t, 0x1307ff), 0x66);
    x86test_free(t);
}

/* POPF's writable bits by mode (SDM Vol 2 POPF "Operation"). */
Test(x86_flow, popf_mask)
{
    X86CPU *cpu = calloc(1, sizeof *cpu);
    const uint32_t base = X86_ARITH_FLAGS | X86_TF | X86_DF | X86_NT | X86_AC | X86_ID | X86_RF;
    /* Real mode: IOPL and IF too. */
    cr_assert_eq(x86_popf_mask(cpu, 4), base | X86_IOPL | X86_IF);
    cr_assert_eq(x86_popf_mask(cpu, 2), (base | X86_IOPL | X86_IF) & 0xffff);
    /* Protected, CPL 3, IOPL 0: neither. */
    cpu->cr[0] = X86_CR0_PE;
    cpu->hflags = 3;
    cr_assert_eq(x86_popf_mask(cpu, 4), base);
    /* CPL 3, IOPL 3: IF. */
    cpu->eflags = X86_IOPL;
    cr_assert_eq(x86_popf_mask(cpu, 4), base | X86_IF);
    /* CPL 1, IOPL 0: no IF, no IOPL; CPL 0: both. */
    cpu->eflags = 0;
    cpu->hflags = 1;
    cr_assert_eq(x86_popf_mask(cpu, 4), base);
    cpu->hflags = 0;
    cr_assert_eq(x86_popf_mask(cpu, 4), base | X86_IF | X86_IOPL);
    /* Virtual-8086 mode with IOPL 3 counts as CPL 3. */
    cpu->eflags = X86_VM | X86_IOPL;
    cr_assert_eq(x86_popf_mask(cpu, 4), base | X86_IF);
    free(cpu);
}

/* BCD adjustments: the SDM's "Operation" sections, and the flags QEMU
 * leaves for the undefined ones. */
Test(x86_flow, bcd_adjust)
{
    /* DAA: AL 0xFA, no flags: the carry out of AL + 6 sets CF and the
     * +60H step (SDM Vol 2 DAA): 0x60, CF AF. */
    uint32_t r = x86_bcd_adjust(X86_BCD_DAA, 0x00fa, 0, 0);
    cr_assert_eq(r & 0xffff, 0x0060);
    cr_assert_eq(r >> 16, X86_CF | X86_AF | X86_PF);
    /* DAA with CF in: 0x00 + 0x60. */
    r = x86_bcd_adjust(X86_BCD_DAA, 0x1200, X86_CF, 0);
    cr_assert_eq(r & 0xffff, 0x1260);
    cr_assert_eq((r >> 16) & X86_CF, X86_CF);
    /* DAS: 0x10 - 0x01 = 0x0f with AF: 0x09, AF, no CF. */
    r = x86_bcd_adjust(X86_BCD_DAS, 0x000f, X86_AF, 0);
    cr_assert_eq(r & 0xffff, 0x0009);
    cr_assert_eq((r >> 16) & (X86_CF | X86_AF), X86_AF);
    /* AAA keeps OF SF ZF PF as they were. */
    r = x86_bcd_adjust(X86_BCD_AAA, 0x00ff, X86_OF | X86_ZF, 0);
    cr_assert_eq(r & 0xffff, 0x0205);
    cr_assert_eq(r >> 16, X86_OF | X86_ZF | X86_CF | X86_AF);
    r = x86_bcd_adjust(X86_BCD_AAA, 0x0105, X86_CF | X86_SF, 0);
    cr_assert_eq(r & 0xffff, 0x0105);
    cr_assert_eq(r >> 16, X86_SF);
    /* AAM/AAD: SF ZF PF from AL, other flags clear. */
    r = x86_bcd_adjust(X86_BCD_AAM, 0x00ff, X86_CF | X86_OF, 16);
    cr_assert_eq(r & 0xffff, 0x0f0f);
    cr_assert_eq(r >> 16, X86_PF);
    r = x86_bcd_adjust(X86_BCD_AAD, 0x1000, X86_CF, 16);
    cr_assert_eq(r & 0xffff, 0x0000);
    cr_assert_eq(r >> 16, X86_ZF | X86_PF);
}
