/*
 * The x86 differential test's view of one sequence: what the generator's
 * map says about it, and what each emulator's dump says it left; and the
 * table of known QEMU deviations from the SDM (KNOWN.md, known.c).
 */
#ifndef DOPPEL_X86_DIFF_DIFF_H
#define DOPPEL_X86_DIFF_DIFF_H

#include <stdbool.h>
#include <stdint.h>

#include "format.h"

typedef struct MapLine {
    char role; /* 's' setup, 't' under test */
    char text[96];
} MapLine;

typedef struct MapSeq {
    bool present;
    char cat[8];
    uint32_t regs[9]; /* eax..edi, eflags, as the instructions start */
    uint8_t area[AREA_SIZE];
    char fpu_init[512];   /* the map's F line: control word, values loaded */
    char sse_init[320];   /* the map's X line: xmm0-7, mxcsr */
    uint32_t undef_flags; /* FL_* bits the SDM leaves undefined at the end */
    uint8_t undef_regs;   /* GPRs left undefined */
    unsigned nlines;
    MapLine *lines;
} MapSeq;

typedef struct Dump {
    bool present, ended;
    bool trapped; /* an exception: vector, error code, eip */
    uint32_t vector, error, eip;
    bool has_regs, has_area, has_fpu, has_xmm;
    uint32_t regs[9];
    uint8_t area[AREA_SIZE];
    uint8_t fpu[FSAVE_SIZE];
    uint8_t xmm[XMM_SIZE];
    uint32_t mxcsr;
} Dump;

/* A compared field of the final state. */
typedef enum Field {
    F_GPR,    /* index: register number */
    F_EFLAGS, /* index: bit number */
    F_AREA,   /* index: byte offset */
    F_FCW,
    F_FSW,
    F_FTW,
    F_FPTR, /* FIP FCS/FOP FDP FDS, index: dword 3-6 of the image */
    F_ST,   /* index: register in FNSAVE order, ST(0)-ST(7) */
    F_XMM,  /* index: register */
    F_MXCSR,
    F_TRAP,
    F_COUNT
} Field;

typedef struct Known {
    const char *name; /* its KNOWN.md section */
    /* Does this deviation explain the difference of field f (index i)? */
    bool (*explains)(const MapSeq *s, Field f, unsigned i, const Dump *doppel, const Dump *qemu);
} Known;

/* The known deviation that explains a field's difference, or NULL. */
const Known *known_case(const MapSeq *s, Field f, unsigned i, const Dump *doppel, const Dump *qemu);

/* Does the sequence execute an instruction starting with mnemonic (a
 * whole word, e.g. "fprem")? */
bool seq_has_insn(const MapSeq *s, const char *mnemonic);

#endif
