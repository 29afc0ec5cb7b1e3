/*
 * The differential test's view of one generated sequence (from the map
 * s370-diffgen writes) and the catalogue of known Hercules deviations
 * from the Principles of Operation (KNOWN.md) that the comparison skips.
 */
#ifndef DOPPEL_S370_DIFF_KNOWN_H
#define DOPPEL_S370_DIFF_KNOWN_H

#include <stdbool.h>
#include <stdint.h>

typedef struct DiffIns {
    uint32_t addr;
    uint8_t len;
    uint8_t bytes[6];
    char role; /* 's' setup, 't' under test, 'x' EX target */
    char text[64];
} DiffIns;

typedef struct DiffSeq {
    bool bc; /* the program runs with BC-mode PSWs */
    unsigned index;
    uint32_t entry;
    uint32_t gpr[16]; /* as the sequence's instructions start */
    uint64_t fpr[4];
    unsigned cc, pm;
    unsigned nins, cap;
    DiffIns *ins; /* malloc'd by the map reader */
} DiffSeq;

typedef struct DiffKnown {
    const char *name; /* the KNOWN.md section */
    /* Does this deviation explain every difference between the records? */
    bool (*explains)(const DiffSeq *s, const uint8_t *doppel, const uint8_t *hercules);
} DiffKnown;

/* The known deviation that explains the difference, or NULL. */
const DiffKnown *diff_known_case(const DiffSeq *s, const uint8_t *doppel, const uint8_t *hercules);

/* A program interruption's code, ILC and old PSW fields, as the mode
 * stores them: at 0x8C-0x8F in EC mode, in the old PSW in BC mode
 * (PoO-370 §6 "Program Interruption"). */
unsigned diff_pgm_code(const DiffSeq *s, const uint8_t *rec);
unsigned diff_pgm_ilc(const DiffSeq *s, const uint8_t *rec);
unsigned diff_psw_cc(const DiffSeq *s, const uint8_t *psw);
uint32_t diff_psw_address(const uint8_t *psw);

/* The instruction a program interruption recorded in rec names (the old
 * PSW less the ILC), or NULL. */
const DiffIns *diff_faulting_insn(const DiffSeq *s, const uint8_t *rec);

#endif
