/*
 * x86-diffgen: write a random x86 test program for the differential test
 * of doppel against QEMU (README.md).
 *
 *   x86-diffgen -s SEED [-n SEQUENCES] [-i MIN-MAX] [-c int|x87|sse|mixed]
 *               -o prog.asm -m prog.map
 *
 * prog.asm is a NASM source of a multiboot (v1) ELF32 program:
 *   nasm -f elf32 prog.asm -o prog.o && ld -m elf_i386 -Ttext=0x100000 prog.o
 * It sets up flat segments, an IDT that reports any exception and goes on
 * with the next sequence, CR0/CR4 for x87 and SSE, and then runs N
 * independent sequences.  Each loads a generated initial state (data
 * area, x87 stack and control word or XMM registers and MXCSR, EFLAGS
 * arithmetic flags and DF through POPFD, the GPRs), runs a few random
 * instructions of its category, and dumps the final state on COM1 as
 * "@"-lines (README.md "Dump format").  The program ends by writing 0 to
 * isa-debug-exit (port 0xf4), so the emulator exits with status 1.
 *
 * prog.map describes every sequence (initial state, instructions, what
 * is architecturally undefined at its end) for the driver's reports.
 * Everything is deterministic from the seed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ---------------------------------------------------------------- */
/* Random numbers: splitmix64.                                       */

uint64_t rng_next(Rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* ---------------------------------------------------------------- */
/* Lines, registers, flags.                                          */

void emit(Gen *g, char role, const char *fmt, ...)
{
    if (g->nlines == MAX_LINES) return; /* the caller's limit keeps far below */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->lines[g->nlines], LINE_LEN, fmt, ap);
    va_end(ap);
    g->role[g->nlines++] = role;
}

const char *new_label(Gen *g, char *buf, size_t n)
{
    snprintf(buf, n, "s%u_%u", g->seq, g->labels++);
    return buf;
}

const char *reg_name(unsigned r, unsigned width)
{
    static const char *const n8[] = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
    static const char *const n16[] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
    static const char *const n32[] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    return width == 8 ? n8[r & 7] : width == 16 ? n16[r & 7] : n32[r & 7];
}

unsigned pick_wreg(Gen *g, unsigned width)
{
    static const unsigned w[] = {0, 1, 2, 3, 6, 7};
    return width == 8 ? rnd(g, 8) : w[rnd(g, 6)];
}

unsigned pick_rreg(Gen *g, unsigned width)
{
    return width == 8 ? rnd(g, 8) : rnd(g, 8);
}

const char *width_kw(unsigned width)
{
    switch (width) {
    case 8: return "byte";
    case 16: return "word";
    case 32: return "dword";
    case 64: return "qword";
    case 80: return "tword";
    case 128: return "oword";
    default: return "";
    }
}

void need_reg(Gen *g, unsigned r)
{
    if (!(g->undef_regs >> r & 1)) return;
    emit(g, 's', "mov %s, 0x%08x", reg_name(r, 32), rnd32(g));
    g->undef_regs &= (uint8_t) ~(1u << r);
}

void set_reg_undefined(Gen *g, unsigned r)
{
    g->undef_regs |= (uint8_t)(1u << r);
}

void wrote_reg(Gen *g, unsigned r, unsigned width)
{
    if (width == 32) g->undef_regs &= (uint8_t) ~(1u << r);
}

/* Random arithmetic flags with the current DF, IF clear, bit 1 set. */
static uint32_t random_eflags(Gen *g)
{
    return (rnd32(g) & FL_ARITH) | 2u | (g->df ? FL_DF : 0);
}

void need_flags(Gen *g, uint32_t flags)
{
    if (!(g->undef_flags & flags)) return;
    emit(g, 's', "push dword 0x%x", random_eflags(g));
    emit(g, 's', "popfd");
    g->undef_flags = 0;
}

void wrote_flags(Gen *g, uint32_t defined, uint32_t undefined)
{
    g->undef_flags = (g->undef_flags & ~defined) | undefined;
}

/* ---------------------------------------------------------------- */
/* Memory operands into the data area.                               */

const char *mem_at(unsigned off, unsigned width, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s[ebp+0x%x]", width_kw(width), width ? " " : "", off);
    return buf;
}

/* A writable register that is not in mem_avoid, or 8 when there is none. */
static unsigned pick_free(Gen *g)
{
    for (unsigned k = 0; k < 16; k++) {
        unsigned r = pick_wreg(g, 32);
        if (!(g->mem_avoid >> r & 1)) return r;
    }
    return 8;
}

/* An offset for `size` bytes aligned to `align`. */
static unsigned area_offset(Gen *g, unsigned size, unsigned align)
{
    unsigned slots = (AREA_SIZE - size) / align + 1;
    return rnd(g, slots) * align;
}

const char *mem_operand(Gen *g, unsigned size, unsigned align, unsigned width, char *buf, size_t n)
{
    const char *kw = width_kw(width);
    const char *sp = width ? " " : "";
    unsigned off = area_offset(g, size, align);
    unsigned form = rnd(g, 9);
    unsigned r = pick_free(g), s;
    unsigned other = r;
    for (unsigned k = 0; k < 8 && (other == r || other == 8); k++)
        other = pick_free(g);
    if (r == 8 || other == r || other == 8) form = 8; /* no free registers: EBP + disp8 */
    if (form == 7 && (g->mem_avoid >> 3 & 1 || r == 3)) form = 8;
    if (form >= 6 && form <= 7 && (g->mem_avoid >> 6 & 1 || g->mem_avoid >> 7 & 1)) form = 5;
    switch (form) {
    case 0: /* disp32 form of EBP base */
        snprintf(buf, n, "%s%s[dword ebp+0x%x]", kw, sp, off);
        break;
    case 1: /* absolute */ snprintf(buf, n, "%s%s[0x%x]", kw, sp, AREA_ADDR + off); break;
    case 2: { /* EBP + index * scale + disp8 */
        s = 1u << rnd(g, 4);
        unsigned idx = off / s;
        emit(g, 's', "mov %s, %u", reg_name(r, 32), idx);
        wrote_reg(g, r, 32);
        snprintf(buf, n, "%s%s[ebp+%s*%u+%u]", kw, sp, reg_name(r, 32), s, off - idx * s);
        break;
    }
    case 3: { /* another base, negative displacement */
        unsigned d = rnd(g, 128);
        emit(g, 's', "mov %s, 0x%x", reg_name(r, 32), AREA_ADDR + off + d);
        wrote_reg(g, r, 32);
        snprintf(buf, n, "%s%s[%s-%u]", kw, sp, reg_name(r, 32), d);
        break;
    }
    case 4: { /* base + index, no displacement, the index negative */
        unsigned b = other;
        uint32_t k = rnd32(g);
        emit(g, 's', "mov %s, 0x%x", reg_name(b, 32), (uint32_t)(AREA_ADDR + off + k));
        emit(g, 's', "mov %s, 0x%x", reg_name(r, 32), (uint32_t)-k);
        wrote_reg(g, b, 32), wrote_reg(g, r, 32);
        snprintf(buf, n, "%s%s[%s+%s]", kw, sp, reg_name(b, 32), reg_name(r, 32));
        break;
    }
    case 5: /* 16-bit addressing: [bp+disp8] */ snprintf(buf, n, "%s%s[bp+%u]", kw, sp, off); break;
    case 6: { /* 16-bit addressing: [bp+si/di+disp] */
        r = rnd(g, 2) ? 6 : 7;
        if (g->mem_avoid >> r & 1) r ^= 1;
        unsigned k = rnd(g, off + 1);
        emit(g, 's', "mov %s, 0x%x", reg_name(r, 32), (rnd32(g) & 0xffff0000u) | k);
        wrote_reg(g, r, 32);
        snprintf(buf, n, "%s%s[bp+%s+%u]", kw, sp, reg_name(r, 16), off - k);
        break;
    }
    case 7: { /* 16-bit addressing: [bx+si/di] with wrap-around of the sum */
        r = rnd(g, 2) ? 6 : 7;
        uint16_t k = (uint16_t)rnd32(g);
        emit(g, 's', "mov ebx, 0x%x", (rnd32(g) & 0xffff0000u) | (uint16_t)(AREA_ADDR + off - k));
        emit(g, 's', "mov %s, 0x%x", reg_name(r, 32), k);
        wrote_reg(g, 3, 32), wrote_reg(g, r, 32);
        snprintf(buf, n, "%s%s[bx+%s]", kw, sp, reg_name(r, 16));
        break;
    }
    default: /* EBP + disp8 */ snprintf(buf, n, "%s%s[ebp+0x%x]", kw, sp, off); break;
    }
    return buf;
}

/* ---------------------------------------------------------------- */
/* The program skeleton.                                             */

/* Flat GDT, an IDT whose 32 handlers report "@T vector error eip" and go
 * on with the next sequence, CR0.MP/NE set and EM/TS clear, CR4.OSFXSR and
 * OSXMMEXCPT (SDM Vol 3 §13.1), COM1 output, the dump routines. */
static const char runtime_asm[] = "bits 32\n"
                                  "AREA equ 0x%x\n"
                                  "MAIN_STACK equ 0x%x\n"
                                  "section .text\n"
                                  "global _start\n"
                                  "align 4\n"
                                  "mb_header: dd 0x1BADB002, 0, -0x1BADB002\n"
                                  "_start:\n"
                                  "    cli\n"
                                  "    mov esp, MAIN_STACK\n"
                                  "    lgdt [gdt_desc]\n"
                                  "    jmp 0x08:.flat\n"
                                  ".flat:\n"
                                  "    mov ax, 0x10\n"
                                  "    mov ds, ax\n"
                                  "    mov es, ax\n"
                                  "    mov ss, ax\n"
                                  "    mov fs, ax\n"
                                  "    mov gs, ax\n"
                                  "    xor ecx, ecx\n"
                                  ".idt:\n"
                                  "    mov eax, [isr_table+ecx*4]\n"
                                  "    mov [idt+ecx*8], ax\n"
                                  "    mov word [idt+ecx*8+2], 0x08\n"
                                  "    mov word [idt+ecx*8+4], 0x8e00\n"
                                  "    shr eax, 16\n"
                                  "    mov [idt+ecx*8+6], ax\n"
                                  "    inc ecx\n"
                                  "    cmp ecx, 32\n"
                                  "    jb .idt\n"
                                  "    lidt [idt_desc]\n"
                                  "    mov eax, cr0\n"
                                  "    and eax, ~0xc\n"
                                  "    or eax, 0x22\n"
                                  "    mov cr0, eax\n"
                                  "    mov eax, cr4\n"
                                  "    or eax, 0x600\n"
                                  "    mov cr4, eax\n"
                                  "    fninit\n"
                                  "    jmp seq0\n"
                                  "\n"
                                  "putc:\n" /* al; polls LSR.THRE (bit 5) */
                                  "    push edx\n"
                                  "    push eax\n"
                                  "    mov dx, 0x3fd\n"
                                  ".wait:\n"
                                  "    in al, dx\n"
                                  "    test al, 0x20\n"
                                  "    jz .wait\n"
                                  "    pop eax\n"
                                  "    mov dx, 0x3f8\n"
                                  "    out dx, al\n"
                                  "    pop edx\n"
                                  "    ret\n"
                                  "hex4:\n"
                                  "    push eax\n"
                                  "    and al, 15\n"
                                  "    add al, '0'\n"
                                  "    cmp al, '9'\n"
                                  "    jbe .d\n"
                                  "    add al, 'a'-'0'-10\n"
                                  ".d: call putc\n"
                                  "    pop eax\n"
                                  "    ret\n"
                                  "hex8:\n"
                                  "    ror al, 4\n"
                                  "    call hex4\n"
                                  "    ror al, 4\n"
                                  "    jmp hex4\n"
                                  "hex32:\n" /* eax, big-endian digits, then a space */
                                  "    push ecx\n"
                                  "    mov ecx, 4\n"
                                  ".b: rol eax, 8\n"
                                  "    call hex8\n"
                                  "    loop .b\n"
                                  "    pop ecx\n"
                                  "    push eax\n"
                                  "    mov al, ' '\n"
                                  "    call putc\n"
                                  "    pop eax\n"
                                  "    ret\n"
                                  "hexbytes:\n" /* esi, ecx: memory order */
                                  "    lodsb\n"
                                  "    call hex8\n"
                                  "    loop hexbytes\n"
                                  "    ret\n"
                                  "tag:\n" /* al: '@', al, ' ' */
                                  "    push eax\n"
                                  "    mov al, '@'\n"
                                  "    call putc\n"
                                  "    pop eax\n"
                                  "    call putc\n"
                                  "    mov al, ' '\n"
                                  "    jmp putc\n"
                                  "newline:\n"
                                  "    mov al, 10\n"
                                  "    jmp putc\n"
                                  "dump_seq:\n" /* @S index */
                                  "    cld\n"
                                  "    mov al, 'S'\n"
                                  "    call tag\n"
                                  "    mov eax, [cur_seq]\n"
                                  "    call hex32\n"
                                  "    jmp newline\n"
                                  "dump_head:\n" /* @S index, @R eax..edi eflags, @A area */
                                  "    call dump_seq\n"
                                  "    mov al, 'R'\n"
                                  "    call tag\n"
                                  "    xor ebx, ebx\n"
                                  ".r: mov eax, [sv_regs+ebx*4]\n"
                                  "    call hex32\n"
                                  "    inc ebx\n"
                                  "    cmp ebx, 9\n"
                                  "    jb .r\n"
                                  "    call newline\n"
                                  "    mov al, 'A'\n"
                                  "    call tag\n"
                                  "    mov esi, AREA\n"
                                  "    mov ecx, %u\n"
                                  "    call hexbytes\n"
                                  "    jmp newline\n"
                                  "dump_fpu:\n" /* @F FNSAVE image (saved by the caller) */
                                  "    mov al, 'F'\n"
                                  "    call tag\n"
                                  "    mov esi, sv_fpu\n"
                                  "    mov ecx, %u\n"
                                  "    call hexbytes\n"
                                  "    jmp newline\n"
                                  "dump_sse:\n" /* @X xmm0-7 mxcsr */
                                  "    movdqu [sv_xmm+0], xmm0\n"
                                  "    movdqu [sv_xmm+16], xmm1\n"
                                  "    movdqu [sv_xmm+32], xmm2\n"
                                  "    movdqu [sv_xmm+48], xmm3\n"
                                  "    movdqu [sv_xmm+64], xmm4\n"
                                  "    movdqu [sv_xmm+80], xmm5\n"
                                  "    movdqu [sv_xmm+96], xmm6\n"
                                  "    movdqu [sv_xmm+112], xmm7\n"
                                  "    stmxcsr [sv_mxcsr]\n"
                                  "    mov al, 'X'\n"
                                  "    call tag\n"
                                  "    mov esi, sv_xmm\n"
                                  "    mov ecx, %u\n"
                                  "    call hexbytes\n"
                                  "    mov al, ' '\n"
                                  "    call putc\n"
                                  "    mov eax, [sv_mxcsr]\n"
                                  "    call hex32\n"
                                  "    jmp newline\n"
                                  "dump_end:\n"
                                  "    mov al, 'E'\n"
                                  "    call tag\n"
                                  "    jmp newline\n"
                                  "\n"
                                  "isr_common:\n" /* [esp] vector, error code, eip */
                                  "    pop ebx\n"
                                  "    pop edx\n"
                                  "    pop edi\n"
                                  "    mov esp, MAIN_STACK\n"
                                  "    call dump_seq\n"
                                  "    mov al, 'T'\n"
                                  "    call tag\n"
                                  "    mov eax, ebx\n"
                                  "    call hex32\n"
                                  "    mov eax, edx\n"
                                  "    call hex32\n"
                                  "    mov eax, edi\n"
                                  "    call hex32\n"
                                  "    call newline\n"
                                  "    call dump_end\n"
                                  "    fninit\n"
                                  "    jmp [next_seq]\n"
                                  "\n"
                                  "section .data\n"
                                  "align 16\n"
                                  "gdt: dq 0, 0x00cf9a000000ffff, 0x00cf92000000ffff\n"
                                  "gdt_desc: dw 23\n"
                                  "    dd gdt\n"
                                  "idt_desc: dw 32*8-1\n"
                                  "    dd idt\n"
                                  "section .bss\n"
                                  "alignb 16\n"
                                  "idt: resq 32\n"
                                  "sv_xmm: reso 8\n"
                                  "sv_fpu: resb 112\n"
                                  "sv_regs: resd 9\n"
                                  "sv_mxcsr: resd 1\n"
                                  "cur_seq: resd 1\n"
                                  "next_seq: resd 1\n"
                                  "section .text\n";

typedef struct Options {
    unsigned long seed, n;
    unsigned min_ins, max_ins;
    int cat; /* enum Category, or CAT_MIXED */
    const char *out, *map;
} Options;

static const char *const cat_names[] = {"int", "x87", "sse", "mixed"};

/* One stub per exception vector: push a zero error code where the CPU
 * pushes none (SDM Vol 3 §6.13: 8, 10-14 and 17 push one), then the
 * vector; the table the IDT is filled from. */
static void write_isrs(FILE *out)
{
    for (unsigned v = 0; v < 32; v++) {
        bool code = v == 8 || (v >= 10 && v <= 14) || v == 17;
        fprintf(out, "isr%u:\n%s    push dword %u\n    jmp isr_common\n", v,
                code ? "" : "    push dword 0\n", v);
    }
    fprintf(out, "section .data\nisr_table:\n");
    for (unsigned v = 0; v < 32; v++)
        fprintf(out, "    dd isr%u\n", v);
    fprintf(out, "section .text\n");
}

static void put_hex_bytes(FILE *f, const uint8_t *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        fprintf(f, "%02x", b[i]);
}

static void gen_sequence(Gen *g, const Options *o, FILE *out, FILE *map)
{
    uint32_t regs[8], eflags;
    uint8_t area[AREA_SIZE];
    for (unsigned r = 0; r < 8; r++)
        regs[r] = rnd32(g);
    /* Interesting register values now and then: 0, -1, sign bits, small. */
    for (unsigned r = 0; r < 8; r++) {
        if (chance(g, 25)) {
            static const uint32_t v[] = {0,      0xffffffff, 0x80000000, 0x7fffffff, 0x80,  0x7f,
                                         0x8000, 0x7fff,     1,          0xff,       0xffff};
            regs[r] = v[rnd(g, sizeof v / sizeof v[0])];
        }
    }
    regs[4] = SEQ_STACK - 4 * rnd(g, 32);
    regs[5] = AREA_ADDR;
    for (unsigned i = 0; i < AREA_SIZE; i++)
        area[i] = (uint8_t)rnd32(g);
    g->nlines = 0, g->labels = 0, g->undef_flags = 0, g->undef_regs = 0, g->fpu_depth = 0;
    g->in_skip = false;
    g->df = chance(g, 20);
    eflags = random_eflags(g);
    if (g->cat != CAT_INT) fp_fill_area(g, area);

    fprintf(map, "S %u %s\nR", g->seq, cat_names[g->cat]);
    for (unsigned r = 0; r < 8; r++)
        fprintf(map, " %08x", regs[r]);
    fprintf(map, " %08x\nA ", eflags);
    put_hex_bytes(map, area, AREA_SIZE);
    fprintf(map, "\n");

    fprintf(out, "\nseq%u:\n    mov dword [cur_seq], %u\n    mov dword [next_seq], seq%u\n", g->seq,
            g->seq, g->seq + 1);
    fprintf(out,
            "    cld\n    mov esi, s%u_area\n    mov edi, AREA\n    mov ecx, %u\n"
            "    rep movsd\n",
            g->seq, AREA_SIZE / 4);
    fprintf(g->data, "s%u_area: db ", g->seq);
    for (unsigned i = 0; i < AREA_SIZE; i++)
        fprintf(g->data, "%s0x%02x", i ? "," : "", area[i]);
    fprintf(g->data, "\n");

    /* Category state first: it may use the GPRs and flags. */
    g->nlines = 0;
    if (g->cat == CAT_X87) x87_initial_state(g, map);
    if (g->cat == CAT_SSE) sse_initial_state(g, map);
    for (unsigned i = 0; i < g->nlines; i++)
        fprintf(out, "    %s\n", g->lines[i]);
    g->nlines = 0;

    fprintf(out, "    mov esp, 0x%x\n    push dword 0x%x\n    popfd\n", regs[4], eflags);
    for (unsigned r = 0; r < 8; r++)
        if (r != 4) fprintf(out, "    mov %s, 0x%x\n", reg_name(r, 32), regs[r]);

    unsigned count = o->min_ins + rnd(g, o->max_ins - o->min_ins + 1);
    for (unsigned i = 0; i < count && g->nlines < MAX_LINES - 24; i++) {
        switch (g->cat) {
        case CAT_INT: gen_int_insn(g); break;
        case CAT_X87: gen_x87_insn(g); break;
        default: gen_sse_insn(g); break;
        }
    }
    for (unsigned i = 0; i < g->nlines; i++) {
        bool label = g->lines[i][strlen(g->lines[i]) - 1] == ':';
        fprintf(out, "%s%s\n", label ? "" : "    ", g->lines[i]);
        fprintf(map, "I %c %s\n", g->role[i], g->lines[i]);
    }
    fprintf(map, "U %x %x\n", g->undef_flags, g->undef_regs);

    /* Save the GPRs and EFLAGS without disturbing them, then dump. */
    static const unsigned save_order[] = {0, 1, 2, 3, 4, 5, 6, 7};
    for (unsigned i = 0; i < 8; i++)
        fprintf(out, "    mov [sv_regs+%u], %s\n", 4 * save_order[i], reg_name(save_order[i], 32));
    fprintf(out, "    pushfd\n    pop dword [sv_regs+32]\n    mov esp, MAIN_STACK\n");
    if (g->cat == CAT_X87) fprintf(out, "    fnsave [sv_fpu]\n");
    fprintf(out, "    call dump_head\n");
    if (g->cat == CAT_X87) fprintf(out, "    call dump_fpu\n");
    if (g->cat == CAT_SSE) fprintf(out, "    call dump_sse\n");
    fprintf(out, "    call dump_end\n");
}

static int usage(void)
{
    fprintf(stderr, "usage: x86-diffgen -s SEED [-n SEQUENCES] [-i MIN-MAX] "
                    "[-c int|x87|sse|mixed] -o prog.asm -m prog.map\n");
    return 2;
}

int main(int argc, char **argv)
{
    Options o = {.seed = 1, .n = 200, .min_ins = 4, .max_ins = 12, .cat = CAT_MIXED};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return usage();
        i++;
        if (!strcmp(a, "-s")) {
            o.seed = strtoul(v, NULL, 0);
        } else if (!strcmp(a, "-n")) {
            o.n = strtoul(v, NULL, 0);
        } else if (!strcmp(a, "-i")) {
            if (sscanf(v, "%u-%u", &o.min_ins, &o.max_ins) != 2) {
                if (sscanf(v, "%u", &o.min_ins) != 1) return usage();
                o.max_ins = o.min_ins;
            }
        } else if (!strcmp(a, "-c")) {
            o.cat = -1;
            for (int c = 0; c <= CAT_MIXED; c++)
                if (!strcmp(v, cat_names[c])) o.cat = c;
            if (o.cat < 0) return usage();
        } else if (!strcmp(a, "-o")) {
            o.out = v;
        } else if (!strcmp(a, "-m")) {
            o.map = v;
        } else {
            return usage();
        }
    }
    if (!o.out || !o.map || o.n == 0 || o.n > 100000 || o.min_ins == 0 || o.max_ins < o.min_ins ||
        o.max_ins > 64)
        return usage();
    FILE *out = fopen(o.out, "w"), *map = fopen(o.map, "w");
    char *data = NULL;
    size_t datalen = 0;
    Gen *g = calloc(1, sizeof *g);
    if (!out || !map || !g || !(g->data = open_memstream(&data, &datalen))) {
        perror("x86-diffgen");
        return 1;
    }
    g->rng.s = o.seed * 0x2545f4914f6cdd1dull + 0x9e37;
    fprintf(out, runtime_asm, AREA_ADDR, MAIN_STACK, AREA_SIZE, FSAVE_SIZE, XMM_SIZE);
    write_isrs(out);
    fprintf(map, "P %lu %s %lu\n", o.seed, cat_names[o.cat], o.n);
    for (unsigned long s = 0; s < o.n; s++) {
        g->seq = (unsigned)s;
        g->cat = o.cat == CAT_MIXED ? rnd(g, CAT_COUNT) : (unsigned)o.cat;
        gen_sequence(g, &o, out, map);
    }
    /* The end: "@D", then isa-debug-exit. */
    fprintf(out,
            "\nseq%lu:\n    mov esp, MAIN_STACK\n    mov al, 'D'\n    call tag\n"
            "    call newline\n    mov dx, 0xf4\n    mov al, 0\n    out dx, al\n"
            ".halt:\n    hlt\n    jmp .halt\n",
            o.n);
    fclose(g->data);
    fprintf(out, "\nsection .data\nalign 16\n%s", data ? data : "");
    free(data);
    free(g);
    int bad = ferror(out) | ferror(map);
    bad |= fclose(out) != 0;
    bad |= fclose(map) != 0;
    if (bad) {
        perror("x86-diffgen");
        return 1;
    }
    return 0;
}
