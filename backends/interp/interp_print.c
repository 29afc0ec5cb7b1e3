/*
 * -d out_asm for the interpreter: the bytecode of a block, one instruction
 * a line, with handler names from the same list the dispatcher expands.
 */
#include <inttypes.h>

#include "backends/interp/interp.h"
#include "backends/interp/interp_code.h"

#define INTERP_H_NAME(h) #h,
static const char *const interp_handler_names[INTERP_NUM_HANDLERS] = {
    INTERP_HANDLERS(INTERP_H_NAME)};
#undef INTERP_H_NAME

static InterpHandler interp_handler_of(const void *addr)
{
    const void *const *table = interp_handler_table();
    for (unsigned h = 0; h < INTERP_NUM_HANDLERS; h++)
        if (table[h] == addr) return (InterpHandler)h;
    return INTERP_NUM_HANDLERS;
}

/* Handlers whose operands continue in the next (never dispatched) word. */
static bool interp_has_extension(InterpHandler h)
{
    return h == INTERP_H_call || (h >= INTERP_H_fp_arith && h <= INTERP_H_f80_to);
}

void interp_code_print(const void *code, FILE *out)
{
    const InterpCode *c = code;
    fprintf(out, "OUT: %u bytecode instructions (%zu bytes) for %u IR ops\n", c->ninsns,
            interp_code_size(code), c->nops);
    for (uint32_t i = 0; i < c->ninsns; i++) {
        const InterpInsn *in = &c->insns[i];
        InterpHandler h = interp_handler_of(in->handler);
        const char *name = h < INTERP_NUM_HANDLERS ? interp_handler_names[h] : "?";
        fprintf(out, "  %4u  %-24s %5u %5u %5u %5u  imm=0x%" PRIx64 "\n", i, name, in->o[0],
                in->o[1], in->o[2], in->o[3], in->imm);
        if (h < INTERP_NUM_HANDLERS && interp_has_extension(h) && i + 1 < c->ninsns) {
            const uint32_t *x = c->insns[++i].ext;
            fprintf(out, "  %4u    .ext %u %u %u %u %u %u %u %u\n", i, x[0], x[1], x[2], x[3], x[4],
                    x[5], x[6], x[7]);
        }
    }
}
