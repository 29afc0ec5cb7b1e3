/*
 * Packed-decimal arithmetic of the S/370 decimal instructions (PoO-370 §8
 * "Decimal Instructions", PoO-390 §8): pure functions on operand images
 * held in byte arrays.  Nothing here touches the CPU or guest storage;
 * what an instruction would raise comes back as an S370DecStatus, and the
 * helpers in s370_insn_decimal.c turn it into the program interruption.
 *
 * Lengths are byte counts (the L fields plus one): 1-16 for packed and
 * zoned operands, 1-256 for the EDIT pattern.  Results always carry the
 * preferred sign codes C (plus) and D (minus).
 */
#ifndef DOPPEL_S370_DECIMAL_H
#define DOPPEL_S370_DECIMAL_H

#include <stdbool.h>
#include <stdint.h>

enum {
    S370_DEC_MAX_BYTES = 16,  /* a 4-bit L field */
    S370_DEC_MAX_DIGITS = 31, /* 16 bytes less the sign */
    S370_DEC_PLUS = 0xc,      /* preferred sign codes */
    S370_DEC_MINUS = 0xd,
    S370_DEC_ZONE = 0xf0, /* zone of zoned digits (UNPK, ED) */
    /* EDIT pattern control bytes (PoO-370 §8 "Edit"). */
    S370_ED_DIGIT_SELECTOR = 0x20,
    S370_ED_SIGNIFICANCE_STARTER = 0x21,
    S370_ED_FIELD_SEPARATOR = 0x22,
};

typedef enum S370DecStatus {
    S370_DEC_OK,            /* done; the condition code is valid */
    S370_DEC_OVERFLOW,      /* done, nonzero digits lost: result stored, CC 3 */
    S370_DEC_DATA,          /* data exception: nothing changed */
    S370_DEC_DIVIDE,        /* decimal-divide exception: nothing changed */
    S370_DEC_SPECIFICATION, /* MP/DP operand lengths: nothing changed */
    S370_DEC_FIXED_DIVIDE,  /* CVB result beyond 32 bits: its rightmost 32 bits stored */
    S370_DEC_NEED_SOURCE,   /* EDIT: call again with one more source byte */
} S370DecStatus;

/* A decoded packed number: magnitude below 10^31 and sign. */
typedef unsigned __int128 S370DecMag;
typedef struct S370DecNumber {
    S370DecMag mag;
    bool negative;
} S370DecNumber;

/* Sign codes A-F are valid; B and D are minus (PoO-370 §8 "Decimal-Number
 * Formats"). */
static inline bool s370_dec_sign_valid(unsigned code)
{
    return code >= 0xa && code <= 0xf;
}
static inline bool s370_dec_sign_minus(unsigned code)
{
    return code == 0xb || code == 0xd;
}

/* True when every digit code is 0-9 and the sign code is A-F. */
bool s370_dec_valid(const uint8_t *field, unsigned len);
/* Decode a packed field; false (out untouched) when it is invalid. */
bool s370_dec_load(const uint8_t *field, unsigned len, S370DecNumber *out);
/* Encode the rightmost 2*len-1 digits of n with the preferred sign;
 * true when nonzero digits did not fit. */
bool s370_dec_store(uint8_t *field, unsigned len, S370DecNumber n);

/* Operand overlap the decimal arithmetic allows (PoO-370 §8 "Decimal
 * Arithmetic"; improper overlap is a data exception): none, or coincident
 * rightmost bytes; for ZAP also operand 1's rightmost byte to the right of
 * operand 2's.  Addresses are logical, wrapping at amask. */
bool s370_dec_overlap_ok(uint32_t addr1, unsigned len1, uint32_t addr2, unsigned len2,
                         uint32_t amask, bool zap);

/* Where the operands of the byte-serial instructions (PACK, UNPK, MVO)
 * sit in one work buffer: when they overlap, one window of storage holds
 * both at their relative offsets, so the order in which the instruction
 * fetches and stores decides what it reads, as the PoO defines. */
typedef struct S370DecWindow {
    bool joined;    /* the operands overlap: one window */
    uint32_t start; /* logical address of the window */
    unsigned len;   /* bytes in the window (at most 32) */
    unsigned off1, off2;
} S370DecWindow;
S370DecWindow s370_dec_window(uint32_t addr1, unsigned len1, uint32_t addr2, unsigned len2,
                              uint32_t amask);

/* AP / SP: op1 = op1 +/- op2; cc 0 zero, 1 negative, 2 positive, 3 overflow. */
S370DecStatus s370_dec_add(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2,
                           bool subtract, unsigned *cc);
/* ZAP: op1 = op2 (op1 is not examined); cc as AP. */
S370DecStatus s370_dec_zap(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2,
                           unsigned *cc);
/* CP: cc 0 equal, 1 op1 low, 2 op1 high. */
S370DecStatus s370_dec_compare(const uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2,
                               unsigned *cc);
/* MP: op1 = op1 * op2. */
S370DecStatus s370_dec_multiply(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2);
/* DP: op1 = quotient (len1-len2 bytes) then remainder (len2 bytes). */
S370DecStatus s370_dec_divide(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2);
/* MP and DP length rule alone: L2 at most 7 and below L1. */
bool s370_dec_muldiv_lengths_ok(unsigned len1, unsigned len2);
/* SRP: shift is the 6-bit signed shift value, round the I3 field; cc as AP. */
S370DecStatus s370_dec_shift_round(uint8_t *op1, unsigned len1, unsigned shift, unsigned round,
                                   unsigned *cc);

/* PACK, UNPK, MVO: byte-serial right to left, no code checks.  op1 and
 * op2 may point into the same buffer (see s370_dec_window). */
void s370_dec_pack(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2);
void s370_dec_unpack(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2);
void s370_dec_move_offset(uint8_t *op1, unsigned len1, const uint8_t *op2, unsigned len2);

/* CVB: *result gets the binary value (its rightmost 32 bits on
 * S370_DEC_FIXED_DIVIDE); unchanged on S370_DEC_DATA. */
S370DecStatus s370_dec_to_binary(const uint8_t op[8], uint32_t *result);
/* CVD. */
void s370_dec_from_binary(int32_t value, uint8_t out[8]);

/* ED / EDMK, left to right over the pattern, resumable so that the caller
 * can fetch each source byte only when the pattern asks for it. */
typedef struct S370Edit {
    const uint8_t *pattern;
    uint8_t *result; /* len bytes, separate from pattern */
    unsigned len;
    unsigned pos;      /* next pattern byte */
    unsigned src_used; /* source bytes fetched */
    uint8_t fill;
    uint8_t right_digit; /* digit still to use from the last source byte */
    bool right_pending;
    bool significance;
    bool field_nonzero; /* a nonzero digit since the last field separator */
    int mark;           /* EDMK: offset of the result byte to mark, or -1 */
} S370Edit;
void s370_dec_edit_start(S370Edit *e, const uint8_t *pattern, uint8_t *result, unsigned len);
/* Continue with src[0..src_len) as the source bytes (those already used
 * included).  S370_DEC_NEED_SOURCE asks for src[src_len]; S370_DEC_DATA
 * for an invalid digit code; S370_DEC_OK when the pattern is done. */
S370DecStatus s370_dec_edit_run(S370Edit *e, const uint8_t *src, unsigned src_len);
/* Condition code from the last field: 0 zero, 1 less than zero, 2 greater. */
unsigned s370_dec_edit_cc(const S370Edit *e);

#endif
