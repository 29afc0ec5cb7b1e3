/*
 * Small helpers shared by the IR unit tests: a global table with a few
 * named registers, and printing a block or op to a string.
 */
#ifndef DOPPEL_TEST_IR_TEST_UTIL_H
#define DOPPEL_TEST_IR_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "ir/ir.h"

/* eax, ebx (i32) and rax, rbx (i64) at made-up offsets. */
enum { G_EAX, G_EBX, G_RAX, G_RBX };
static const IrGlobal ir_test_global_list[] = {
    {"eax", IR_I32, 0x10},
    {"ebx", IR_I32, 0x14},
    {"rax", IR_I64, 0x18},
    {"rbx", IR_I64, 0x20},
};
static const IrGlobalTable ir_test_globals = {ir_test_global_list, 4};

#define EAX ir_global(G_EAX)
#define EBX ir_global(G_EBX)
#define RAX ir_global(G_RAX)
#define RBX ir_global(G_RBX)

/* The -d op text of b; free() the result. */
static inline char *ir_test_print(const IrBlock *b)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) abort();
    ir_print(b, f);
    fclose(f);
    return text;
}

#endif
