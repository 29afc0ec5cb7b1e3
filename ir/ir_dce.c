/*
 * Dead temp elimination: backward liveness of temps over the block's
 * control-flow graph (basic blocks split at labels and after branches and
 * exits), then removal of effect-free ops whose outputs are all dead
 * temps.  An op found dead does not make its inputs live, so whole dead
 * chains go in one run.  Temps are dead at every exit.
 *
 * Unreachable code (after a br that folding made unconditional, say) goes
 * too: a def it alone used may be removed, and it must not be left reading
 * that temp.  Its labels, insn_starts and exits stay, so instruction
 * numbering and the rule that an exit is followed by a label still hold.
 */
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"
#include "ir/ir_internal.h"

typedef struct BasicBlock {
    uint32_t first, end; /* ops [first, end) */
    uint32_t succ[2];    /* basic block indexes, UINT32_MAX if none */
    bool reachable;
} BasicBlock;

typedef struct Liveness {
    const IrBlock *b;
    BasicBlock *bbs;
    uint32_t nbbs;
    uint32_t words;    /* uint64_t words per temp set */
    uint64_t *live_in; /* nbbs sets */
    uint8_t *dead;     /* per op: removed */
} Liveness;

#define NO_BB UINT32_MAX

static bool ends_bb(const IrOp *op)
{
    return ir_op_defs[op->opc].flags & (IR_OPF_BRANCH | IR_OPF_EXIT);
}

static void build_cfg(Liveness *lv)
{
    const IrBlock *b = lv->b;
    uint32_t *label_bb = malloc((b->nlabels + 1) * sizeof(*label_bb));
    lv->bbs = malloc((b->nops + 1) * sizeof(*lv->bbs));
    if (!label_bb || !lv->bbs) abort();
    for (uint32_t i = 0; i < b->nops; i++) {
        const IrOp *op = &b->ops[i];
        bool leader = i == 0 || op->opc == IR_label || ends_bb(&b->ops[i - 1]);
        if (leader) {
            if (lv->nbbs) lv->bbs[lv->nbbs - 1].end = i;
            lv->bbs[lv->nbbs++] = (BasicBlock){.first = i, .reachable = false};
        }
        if (op->opc == IR_label) label_bb[op->imm[0]] = lv->nbbs - 1;
    }
    if (lv->nbbs) lv->bbs[lv->nbbs - 1].end = b->nops;
    for (uint32_t k = 0; k < lv->nbbs; k++) {
        BasicBlock *bb = &lv->bbs[k];
        const IrOp *last = &b->ops[bb->end - 1];
        uint32_t next = k + 1 < lv->nbbs ? k + 1 : NO_BB;
        bb->succ[0] = bb->succ[1] = NO_BB;
        if (last->opc == IR_br)
            bb->succ[0] = label_bb[last->imm[0]];
        else if (last->opc == IR_brcond)
            bb->succ[0] = label_bb[last->imm[1]], bb->succ[1] = next;
        else if (!(ir_op_defs[last->opc].flags & IR_OPF_EXIT))
            bb->succ[0] = next;
    }
    free(label_bb);
}

static void mark_reachable(Liveness *lv)
{
    uint32_t *stack = malloc((lv->nbbs + 1) * sizeof(*stack)), top = 0;
    if (!stack) abort();
    lv->bbs[0].reachable = true;
    stack[top++] = 0;
    while (top) {
        const BasicBlock *bb = &lv->bbs[stack[--top]];
        for (int s = 0; s < 2; s++) {
            uint32_t succ = bb->succ[s];
            if (succ == NO_BB || lv->bbs[succ].reachable) continue;
            lv->bbs[succ].reachable = true;
            stack[top++] = succ;
        }
    }
    free(stack);
}

/* Ops kept in unreachable code: no operands, and they carry structure. */
static bool kept_when_unreachable(const IrOp *op)
{
    return op->opc == IR_label || op->opc == IR_insn_start ||
           (ir_op_defs[op->opc].flags & IR_OPF_EXIT);
}

static bool test_bit(const uint64_t *set, uint32_t t)
{
    return set[t / 64] >> (t % 64) & 1;
}
static void set_bit(uint64_t *set, uint32_t t)
{
    set[t / 64] |= 1ull << (t % 64);
}
static void clear_bit(uint64_t *set, uint32_t t)
{
    set[t / 64] &= ~(1ull << (t % 64));
}

/* Is op dead given the temps live after it? */
static bool op_is_dead(const IrOp *op, const uint64_t *live)
{
    if (!ir_op_removable(op)) return false;
    unsigned nout = ir_op_nouts(op);
    for (unsigned i = 0; i < nout; i++) {
        IrVal d = op->args[i];
        if (!ir_is_temp(d) || test_bit(live, ir_val_index(d))) return false;
    }
    return true;
}

/* live: temps live after op, updated to those live before it. */
static void transfer(const IrOp *op, uint64_t *live)
{
    unsigned nout = ir_op_nouts(op);
    for (unsigned i = 0; i < nout; i++)
        if (ir_is_temp(op->args[i])) clear_bit(live, ir_val_index(op->args[i]));
    for (unsigned i = nout; i < op->nargs; i++)
        if (ir_is_temp(op->args[i])) set_bit(live, ir_val_index(op->args[i]));
}

/* Walk bb backward from live-out; record dead ops if mark is set. */
static void walk_bb(Liveness *lv, uint32_t k, uint64_t *live, bool mark)
{
    const BasicBlock *bb = &lv->bbs[k];
    for (uint32_t i = bb->end; i-- > bb->first;) {
        const IrOp *op = &lv->b->ops[i];
        bool dead = bb->reachable ? op_is_dead(op, live) : !kept_when_unreachable(op);
        if (mark) lv->dead[i] = dead;
        if (!dead) transfer(op, live);
    }
}

static void live_out(const Liveness *lv, uint32_t k, uint64_t *out)
{
    memset(out, 0, lv->words * sizeof(*out));
    for (int s = 0; s < 2; s++) {
        uint32_t succ = lv->bbs[k].succ[s];
        if (succ == NO_BB) continue;
        for (uint32_t w = 0; w < lv->words; w++)
            out[w] |= lv->live_in[(size_t)succ * lv->words + w];
    }
}

static void solve(Liveness *lv, uint64_t *scratch)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (uint32_t k = lv->nbbs; k-- > 0;) {
            live_out(lv, k, scratch);
            walk_bb(lv, k, scratch, false);
            uint64_t *in = &lv->live_in[(size_t)k * lv->words];
            if (memcmp(in, scratch, lv->words * sizeof(*in))) {
                memcpy(in, scratch, lv->words * sizeof(*in));
                changed = true;
            }
        }
    }
}

void ir_pass_dead_temps(IrBlock *b)
{
    if (!b->nops) return;
    Liveness lv = {.b = b, .words = (b->ntemps + 63) / 64 + 1};
    build_cfg(&lv);
    mark_reachable(&lv);
    lv.live_in = calloc((size_t)lv.nbbs * lv.words, sizeof(uint64_t));
    lv.dead = calloc(b->nops, 1);
    uint64_t *scratch = calloc(lv.words, sizeof(uint64_t));
    if (!lv.live_in || !lv.dead || !scratch) abort();

    solve(&lv, scratch);
    for (uint32_t k = 0; k < lv.nbbs; k++) {
        live_out(&lv, k, scratch);
        walk_bb(&lv, k, scratch, true);
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < b->nops; i++)
        if (!lv.dead[i]) b->ops[n++] = b->ops[i];
    b->nops = n;

    free(scratch);
    free(lv.dead);
    free(lv.live_in);
    free(lv.bbs);
}
