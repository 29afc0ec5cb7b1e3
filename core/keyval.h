/*
 * Parsing of option values shared by the command line and device
 * properties: QEMU-style "key=value,key=value" lists (",," is a literal
 * comma) and typed scalars.
 */
#ifndef DOPPEL_KEYVAL_H
#define DOPPEL_KEYVAL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct KeyVal {
    char *key;
    char *value; /* NULL for a bare word ("stdio", "user") */
} KeyVal;

typedef struct KeyValList {
    KeyVal *items;
    int n;
} KeyValList;

/* Split s at single commas; each element at its first '='. */
void keyval_split(const char *s, KeyValList *out);
void keyval_free(KeyValList *l);
/* Value of key, or NULL (absent or bare). */
const char *keyval_get(const KeyValList *l, const char *key);

/* on/off, true/false, yes/no, 1/0. */
bool parse_bool(const char *s, bool *out);
/* Decimal or 0x hex, optional K/M/G/T suffix (binary multiples);
 * false if malformed or overflowing. */
bool parse_u64(const char *s, uint64_t *out);
/* A size: like parse_u64 but a plain number counts in default_unit and a
 * fraction is allowed with a suffix ("1.5G"). */
bool parse_size(const char *s, uint64_t default_unit, uint64_t *out);

#endif
