/*
 * Reverse execution on a replay (core/reverse.h): images every so many
 * instructions, and plans that machine_run carries out between slices.
 */
#include "core/reverse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpu_debug.h"
#include "core/machine.h"
#include "core/replay.h"
#include "core/runstate.h"
#include "core/snapshot.h"

/* An image every 2^23 instructions (about 0.1 s of guest time at shift=3),
 * at most REVERSE_MAX_IMAGES; when full, every other one is dropped, so
 * the spacing doubles and the whole history stays reachable. */
#define REVERSE_FIRST_INTERVAL (UINT64_C(1) << 23)
#define REVERSE_MAX_IMAGES     32

typedef struct ReverseImage {
    VmImage *img;
    uint64_t icount;
    uint64_t replay_pos;
} ReverseImage;

typedef enum ReversePlan {
    PLAN_NONE,
    PLAN_RUN_TO, /* run exactly to target, then stop with stop_reason */
    PLAN_SCAN,   /* run from images[scan_image] to scan_end noting hits */
} ReversePlan;

typedef struct Reverse {
    ReverseImage images[REVERSE_MAX_IMAGES];
    int nimages;
    uint64_t interval;

    ReversePlan plan;
    uint64_t target;   /* PLAN_RUN_TO */
    uint64_t scan_end; /* PLAN_SCAN: exclusive */
    int scan_image;
    bool have_hit; /* PLAN_SCAN: the last hit in the interval so far */
    uint64_t hit_icount;
    int hit_cpu;
    CpuDebugStop hit;
    CpuDebugStop stop_reason; /* reported at the end of PLAN_RUN_TO */
    int settle;               /* 0-instruction slices run at the target */
    int stop_cpu;
    ReverseEdge edge;
} Reverse;

/* Zero-instruction slices that may pass at a target while interrupts
 * are taken. */
#define REVERSE_MAX_SETTLE 4

/* The pc breakpoints compare with. */
static uint64_t reverse_cpu_pc(Machine *m, int index)
{
    return cpu_debug_pc(m->cpus[index < m->ncpus ? index : 0]);
}

static Reverse *reverse_get(Machine *m)
{
    if (!m->reverse) {
        m->reverse = calloc(1, sizeof *m->reverse);
        if (m->reverse) m->reverse->interval = REVERSE_FIRST_INTERVAL;
    }
    return m->reverse;
}

bool reverse_rerunning(const Machine *m)
{
    return m && m->reverse && m->reverse->plan != PLAN_NONE;
}

bool reverse_available(const Machine *m)
{
    return replay_replaying(m);
}

ReverseEdge reverse_last_edge(const Machine *m)
{
    return m->reverse ? m->reverse->edge : REVERSE_EDGE_NONE;
}

/* ---- images ---- */

static void reverse_drop_every_other(Reverse *r)
{
    int kept = 0;
    for (int i = 0; i < r->nimages; i++) {
        if (i % 2 == 0 || i == r->nimages - 1)
            r->images[kept++] = r->images[i];
        else
            vm_image_free(r->images[i].img);
    }
    r->nimages = kept;
    r->interval *= 2;
}

static void reverse_capture(Machine *m, Reverse *r, uint64_t now)
{
    char err[200];
    VmImage *img = vm_image_capture(m, err, sizeof err);
    if (!img) return; /* a machine without state tables: no reverse */
    if (r->nimages == REVERSE_MAX_IMAGES) reverse_drop_every_other(r);
    r->images[r->nimages++] = (ReverseImage){img, now, replay_position(m)};
}

/* The latest image at or before icount (strictly before when strict). */
static int reverse_image_before(const Reverse *r, uint64_t icount, bool strict)
{
    int best = -1;
    for (int i = 0; i < r->nimages; i++)
        if (strict ? r->images[i].icount < icount : r->images[i].icount <= icount) best = i;
    return best;
}

static bool reverse_restore(Machine *m, Reverse *r, int i, char *err, size_t errlen)
{
    if (!vm_image_restore(m, r->images[i].img, err, errlen)) return false;
    replay_set_position(m, r->images[i].replay_pos);
    return true;
}

/* ---- plans ---- */

static void reverse_stop(Machine *m, Reverse *r, int cpu_index, const CpuDebugStop *why,
                         ReverseEdge edge)
{
    r->plan = PLAN_NONE;
    r->edge = edge;
    CPUState *cpu = m->cpus[cpu_index < m->ncpus ? cpu_index : 0];
    cpu_debug_set_stop_reason(cpu, why);
    vm_stop(m, RUN_STATE_DEBUG);
}

/* Run from image i to target and stop there with why. */
static bool reverse_run_to(Machine *m, Reverse *r, int i, uint64_t target, int cpu_index,
                           const CpuDebugStop *why, ReverseEdge edge, char *err, size_t errlen)
{
    if (!reverse_restore(m, r, i, err, errlen)) return false;
    r->plan = PLAN_RUN_TO;
    r->target = target;
    r->settle = 0;
    r->stop_reason = *why;
    r->stop_cpu = cpu_index;
    r->edge = edge;
    if (machine_total_icount(m) >= target)
        reverse_stop(m, r, cpu_index, why, edge);
    else
        vm_start(m);
    return true;
}

static bool reverse_check(Machine *m, Reverse **out, char *err, size_t errlen)
{
    if (!reverse_available(m)) {
        snprintf(err, errlen, "reverse execution needs a replay (-icount shift=N,rr=replay,...)");
        return false;
    }
    Reverse *r = reverse_get(m);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    if (r->plan != PLAN_NONE) {
        snprintf(err, errlen, "a reverse execution is already running");
        return false;
    }
    if (r->nimages == 0) {
        snprintf(err, errlen, "no execution history recorded yet");
        return false;
    }
    *out = r;
    return true;
}

bool reverse_step(Machine *m, char *err, size_t errlen)
{
    Reverse *r;
    if (!reverse_check(m, &r, err, errlen)) return false;
    uint64_t now = machine_total_icount(m);
    CpuDebugStop step = {.kind = DEBUG_STOP_STEP};
    if (now <= r->images[0].icount) {
        /* Already at the start of the history. */
        reverse_stop(m, r, 0, &step, REVERSE_EDGE_BEGIN);
        return true;
    }
    int i = reverse_image_before(r, now - 1, false);
    return reverse_run_to(m, r, i, now - 1, 0, &step, REVERSE_EDGE_NONE, err, errlen);
}

static bool reverse_scan_from(Machine *m, Reverse *r, int i, uint64_t end, char *err, size_t errlen)
{
    if (!reverse_restore(m, r, i, err, errlen)) return false;
    r->plan = PLAN_SCAN;
    r->scan_image = i;
    r->scan_end = end;
    r->have_hit = false;
    r->edge = REVERSE_EDGE_NONE;
    vm_start(m);
    return true;
}

bool reverse_continue(Machine *m, char *err, size_t errlen)
{
    Reverse *r;
    if (!reverse_check(m, &r, err, errlen)) return false;
    uint64_t now = machine_total_icount(m);
    int i = reverse_image_before(r, now, true);
    if (i < 0) {
        CpuDebugStop none = {.kind = DEBUG_STOP_STEP};
        reverse_stop(m, r, 0, &none, REVERSE_EDGE_BEGIN);
        return true;
    }
    return reverse_scan_from(m, r, i, now, err, errlen);
}

/* ---- machine_run's side ---- */

uint64_t reverse_slice_budget(Machine *m, uint64_t budget)
{
    Reverse *r = m->reverse;
    if (!r || r->plan == PLAN_NONE) return budget;
    uint64_t now = machine_total_icount(m);
    uint64_t end = r->plan == PLAN_RUN_TO ? r->target : r->scan_end;
    uint64_t left = end > now ? end - now : 0;
    return left < budget ? left : budget;
}

bool reverse_on_debug(Machine *m, CPUState *cpu)
{
    Reverse *r = m->reverse;
    if (!r || r->plan == PLAN_NONE) return false;
    const CpuDebugStop *why = cpu_debug_stop_reason(cpu);
    uint64_t now = machine_total_icount(m);
    if (r->plan == PLAN_SCAN && now < r->scan_end &&
        (why->kind == DEBUG_STOP_BREAKPOINT || why->kind == DEBUG_STOP_WATCHPOINT)) {
        r->have_hit = true;
        r->hit_icount = now;
        r->hit_cpu = cpu->cpu_index;
        r->hit = *why;
    }
    /* Going on: past this breakpoint, as the original run did. */
    cpu_debug_resume(cpu);
    return true;
}

static void reverse_fail(Machine *m, Reverse *r, const char *err)
{
    fprintf(stderr, "doppel: reverse execution: %s\n", err);
    CpuDebugStop none = {.kind = DEBUG_STOP_NONE};
    reverse_stop(m, r, 0, &none, REVERSE_EDGE_NONE);
}

static void reverse_scan_done(Machine *m, Reverse *r)
{
    char err[200];
    if (r->have_hit) {
        if (!reverse_run_to(m, r, r->scan_image, r->hit_icount, r->hit_cpu, &r->hit,
                            REVERSE_EDGE_NONE, err, sizeof err))
            reverse_fail(m, r, err);
        return;
    }
    if (r->scan_image == 0) {
        /* No hit in the whole history: stop at its start. */
        CpuDebugStop step = {.kind = DEBUG_STOP_STEP};
        if (!reverse_run_to(m, r, 0, r->images[0].icount, 0, &step, REVERSE_EDGE_BEGIN, err,
                            sizeof err))
            reverse_fail(m, r, err);
        return;
    }
    int prev = r->scan_image - 1;
    if (!reverse_scan_from(m, r, prev, r->images[prev + 1].icount, err, sizeof err))
        reverse_fail(m, r, err);
}

void reverse_after_slice(Machine *m)
{
    if (!replay_replaying(m)) return;
    Reverse *r = reverse_get(m);
    if (!r) return;
    uint64_t now = machine_total_icount(m);
    switch (r->plan) {
    case PLAN_NONE:
        /* The first image is where the replay starts, running or not. */
        if (r->nimages == 0) {
            reverse_capture(m, r, now);
            return;
        }
        if (!vm_running(m)) return;
        r->edge = REVERSE_EDGE_NONE; /* running forward again */
        if (now >= r->images[r->nimages - 1].icount + r->interval) reverse_capture(m, r, now);
        return;
    case PLAN_RUN_TO:
        if (now < r->target) return;
        /* A breakpoint hit happened after the interrupts due at that count
         * were taken (an ISR entry is no instruction): let the cpu take
         * them (slices of 0 instructions) until it is at the breakpoint. */
        if (r->stop_reason.kind == DEBUG_STOP_BREAKPOINT && r->settle < REVERSE_MAX_SETTLE &&
            reverse_cpu_pc(m, r->stop_cpu) != r->stop_reason.addr) {
            r->settle++;
            return;
        }
        reverse_stop(m, r, r->stop_cpu, &r->stop_reason, r->edge);
        return;
    case PLAN_SCAN:
        if (now >= r->scan_end) reverse_scan_done(m, r);
        return;
    }
}

bool reverse_stop_at_end(Machine *m)
{
    if (!m->debugger_attached || !replay_replaying(m)) return false;
    Reverse *r = reverse_get(m);
    if (!r) return false;
    CpuDebugStop none = {.kind = DEBUG_STOP_NONE};
    reverse_stop(m, r, 0, &none, REVERSE_EDGE_END);
    return true;
}

void reverse_free(Machine *m)
{
    Reverse *r = m->reverse;
    if (!r) return;
    for (int i = 0; i < r->nimages; i++)
        vm_image_free(r->images[i].img);
    free(r);
    m->reverse = NULL;
}
