/*
 * x86-diffgen internals: the generator state that the program skeleton
 * (gen.c) and the per-category instruction generators (gen_int.c,
 * gen_fp.c) share.
 *
 * A sequence is a list of NASM lines, each marked 's' (setup: makes an
 * operand valid, e.g. a divisor or a string pointer) or 't' (under test).
 * While generating, the generator keeps a static view of what the
 * architecture leaves undefined (flags, whole registers), so that no
 * later instruction consumes an undefined value: a consumer first gets a
 * setup that defines it.  What is still undefined at the end goes into
 * the map, and the driver counts differences there as "undefined".
 */
#ifndef DOPPEL_X86_DIFF_GEN_H
#define DOPPEL_X86_DIFF_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "format.h"

typedef struct Rng {
    uint64_t s;
} Rng;

uint64_t rng_next(Rng *r);

enum { MAX_LINES = 160, LINE_LEN = 96 };

typedef struct Gen {
    Rng rng;
    unsigned seq; /* index of the sequence being generated */
    unsigned cat; /* its category */
    char lines[MAX_LINES][LINE_LEN];
    char role[MAX_LINES];
    unsigned nlines;
    unsigned labels; /* local labels used so far in the sequence */

    /* Static view of the machine while generating. */
    uint32_t undef_flags; /* FL_* bits whose value is undefined now */
    uint8_t undef_regs;   /* GPRs (by number) whose value is undefined now */
    bool df;              /* EFLAGS.DF */
    int fpu_depth;        /* values on the x87 stack */
    bool in_skip;         /* inside a forward jcc's skipped block */
    uint8_t mem_avoid;    /* registers mem_operand must not use as base or index */

    /* The sequence's read-only constants (NASM data lines). */
    FILE *data;
} Gen;

/* Uniform in [0, n). */
static inline unsigned rnd(Gen *g, unsigned n)
{
    return n ? (unsigned)(rng_next(&g->rng) % n) : 0;
}
static inline bool chance(Gen *g, unsigned pct)
{
    return rnd(g, 100) < pct;
}
static inline uint32_t rnd32(Gen *g)
{
    return (uint32_t)rng_next(&g->rng);
}

/* Append one line of the sequence: role 's' setup or 't' under test. */
void emit(Gen *g, char role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A new label name for this sequence ("s12_3"), in buf. */
const char *new_label(Gen *g, char *buf, size_t n);

/* Register names by number (0 eax .. 7 edi) and width; byte registers
 * 4-7 are AH CH DH BH (registers 0-3). */
const char *reg_name(unsigned r, unsigned width);
/* The 32-bit register a register name of this width and number is part of. */
static inline unsigned reg_full(unsigned r, unsigned width)
{
    return width == 8 ? (r & 3) : r;
}
/* A register generated instructions may write (not ESP, not EBP: EBP
 * holds AREA_ADDR), of the width; for width 8 any of the eight. */
unsigned pick_wreg(Gen *g, unsigned width);
/* Any register to read (ESP and EBP too for width 16/32). */
unsigned pick_rreg(Gen *g, unsigned width);

/* Make sure register r (full) / flags are defined, with a setup line. */
void need_reg(Gen *g, unsigned r);
void need_flags(Gen *g, uint32_t flags);
/* Record a register write: a full-width write defines it. */
void wrote_reg(Gen *g, unsigned r, unsigned width);
void set_reg_undefined(Gen *g, unsigned r);
/* Record a flags write: `defined` get defined values, `undefined` not. */
void wrote_flags(Gen *g, uint32_t defined, uint32_t undefined);

/* A memory operand into the data area for an access of `size` bytes
 * aligned to `align` (1 for none), with its size keyword when `width`
 * is nonzero ("dword [ebp+0x10]").  It may emit setups for index and
 * base registers. */
const char *mem_operand(Gen *g, unsigned size, unsigned align, unsigned width, char *buf, size_t n);
/* The same, at a fixed offset into the area, through EBP. */
const char *mem_at(unsigned off, unsigned width, char *buf, size_t n);

extern const char *const size_kw[]; /* by width/8: "", "byte", "word", "", "dword", ... */
const char *width_kw(unsigned width);

/* One random instruction (with its setups) of each category. */
void gen_int_insn(Gen *g);
void gen_x87_insn(Gen *g);
void gen_sse_insn(Gen *g);

/* Category-specific initial state: writes setup lines that load it and
 * the map lines that describe it (F, X).  The area's initial bytes may be
 * replaced by interesting floating-point values first (fp_fill_area). */
void fp_fill_area(Gen *g, uint8_t *area);
void x87_initial_state(Gen *g, FILE *map);
void sse_initial_state(Gen *g, FILE *map);

#endif
