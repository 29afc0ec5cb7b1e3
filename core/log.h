/*
 * Debug logging (-d, -D; blueprint §10 "no cost when off").  The mask is a
 * per-process registry; testing it is one load and one AND, and LOG_MASK
 * does not evaluate its arguments when the category is off.
 *
 *     uint32_t mask; char err[128];
 *     if (!log_parse_mask("in_asm,int", &mask, err, sizeof err)) ...
 *     log_set_mask(mask);
 *     if (path && !log_set_file(path)) ...
 *     LOG_MASK(LOG_INT, "interrupt %d at %#llx\n", n, pc);
 */
#ifndef DOPPEL_LOG_H
#define DOPPEL_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
    LOG_IN_ASM = 1u << 0,       /* guest code of each new TB */
    LOG_OP = 1u << 1,           /* IR as lifted */
    LOG_OP_OPT = 1u << 2,       /* IR after passes */
    LOG_OUT_ASM = 1u << 3,      /* backend output */
    LOG_EXEC = 1u << 4,         /* every TB executed */
    LOG_INT = 1u << 5,          /* interrupts and exceptions */
    LOG_MMU = 1u << 6,          /* page walks, TLB fills */
    LOG_CPU = 1u << 7,          /* cpu state before each TB */
    LOG_UNIMP = 1u << 8,        /* unimplemented instructions and features */
    LOG_GUEST_ERRORS = 1u << 9, /* bad device programming */
    LOG_PAGE = 1u << 10,        /* code page tracking */
    LOG_TB = 1u << 11,          /* TB cache events */
    LOG_NOCHAIN = 1u << 12,     /* not a log: disables TB chaining */
    LOG_JIT = 1u << 13,         /* tier-1 region formation, compile times, installs */
};

/* The enabled categories (the logger registry); read via log_enabled. */
extern uint32_t log_mask_current;

static inline bool log_enabled(uint32_t cat)
{
    return (log_mask_current & cat) != 0;
}
/* -d nochain: the cpu loop must not link TBs. */
static inline bool log_nochain(void)
{
    return log_enabled(LOG_NOCHAIN);
}

/* Parse a -d list ("in_asm,int").  On error writes one line to err (no
 * "doppel:" prefix) and returns false.  "help" is not accepted here. */
bool log_parse_mask(const char *spec, uint32_t *mask, char *err, size_t errlen);
void log_set_mask(uint32_t mask);
/* Log to path instead of stderr (-D).  False with errno set on failure. */
bool log_set_file(const char *path);
/* Close the -D file (at exit). */
void log_close(void);
/* The stream logs go to, for printers (IR dumps, cpu state). */
FILE *log_stream(void);
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* -d help. */
void log_print_categories(FILE *out);

#define LOG_MASK(cat, ...)                                                                         \
    do {                                                                                           \
        if (__builtin_expect(log_enabled(cat), 0)) log_printf(__VA_ARGS__);                        \
    } while (0)

#endif
