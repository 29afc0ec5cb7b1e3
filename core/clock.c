/*
 * Virtual and host clocks, and a min-heap of timers per clock ordered by
 * (expiry, arming sequence) so equal expiries fire in arming order.
 */
#include "core/clock.h"

#include <stdlib.h>
#include <time.h>

struct Timer {
    Clocks *clocks;
    ClockType type;
    TimerCb *cb;
    void *opaque;
    int64_t expire;
    uint64_t seq;   /* arming order, breaks ties */
    int heap_index; /* -1 when not pending */
};

typedef struct TimerHeap {
    Timer **items;
    int n, cap;
} TimerHeap;

struct Clocks {
    TimerHeap heaps[CLK__COUNT];
    uint64_t next_seq;

    int64_t (*host_now)(void *opaque);
    void *host_opaque;

    /* CLK_VIRTUAL without icount: host time minus virt_offset. */
    int64_t virt_offset;
    bool paused;
    int64_t paused_value;

    /* icount: (get() << shift) + bias. */
    uint64_t (*icount_get)(void *opaque);
    void *icount_opaque;
    int icount_shift;
    int64_t icount_bias;
};

static int64_t host_monotonic_ns(void *opaque)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

Clocks *clocks_new(void)
{
    Clocks *c = calloc(1, sizeof *c);
    c->host_now = host_monotonic_ns;
    c->virt_offset = c->host_now(NULL); /* virtual time starts at 0 */
    return c;
}

void clocks_free(Clocks *c)
{
    if (!c) return;
    for (int i = 0; i < CLK__COUNT; i++)
        free(c->heaps[i].items);
    free(c);
}

void clocks_set_host_source(Clocks *c, int64_t (*now_ns)(void *opaque), void *opaque)
{
    int64_t virt = clock_get_ns(c, CLK_VIRTUAL);
    c->host_now = now_ns;
    c->host_opaque = opaque;
    c->virt_offset = c->host_now(c->host_opaque) - virt; /* keep virtual time continuous */
}

/* Virtual time ignoring pause. */
static int64_t virtual_running_ns(Clocks *c)
{
    if (c->icount_get)
        return (int64_t)(c->icount_get(c->icount_opaque) << c->icount_shift) + c->icount_bias;
    return c->host_now(c->host_opaque) - c->virt_offset;
}

int64_t clock_get_ns(Clocks *c, ClockType type)
{
    if (type == CLK_REALTIME) return c->host_now(c->host_opaque);
    return c->paused ? c->paused_value : virtual_running_ns(c);
}

void clocks_pause_virtual(Clocks *c)
{
    if (c->paused) return;
    c->paused_value = virtual_running_ns(c);
    c->paused = true;
}

void clocks_resume_virtual(Clocks *c)
{
    if (!c->paused) return;
    /* Continue from the paused value: the time spent stopped is lost. */
    if (c->icount_get)
        c->icount_bias += c->paused_value - virtual_running_ns(c);
    else
        c->virt_offset = c->host_now(c->host_opaque) - c->paused_value;
    c->paused = false;
}

bool clocks_virtual_paused(const Clocks *c)
{
    return c->paused;
}

void clocks_set_icount_source(Clocks *c, uint64_t (*get)(void *opaque), void *opaque, int shift)
{
    /* Deterministic runs start from virtual time 0: no bias. */
    c->icount_get = get;
    c->icount_opaque = opaque;
    c->icount_shift = shift;
    c->icount_bias = 0;
}

void clocks_warp_virtual(Clocks *c, int64_t target_ns)
{
    int64_t now = clock_get_ns(c, CLK_VIRTUAL);
    if (target_ns <= now) return;
    if (c->paused)
        c->paused_value = target_ns;
    else if (c->icount_get)
        c->icount_bias += target_ns - now;
    else
        c->virt_offset -= target_ns - now;
}

int64_t clocks_icount_bias(const Clocks *c)
{
    return c->icount_get ? c->icount_bias : 0;
}

void clocks_set_virtual_ns(Clocks *c, int64_t ns)
{
    if (c->icount_get)
        c->icount_bias = ns - (int64_t)(c->icount_get(c->icount_opaque) << c->icount_shift);
    else
        c->virt_offset = c->host_now(c->host_opaque) - ns;
    if (c->paused) c->paused_value = ns;
}

uint64_t clocks_next_arm_seq(const Clocks *c)
{
    return c->next_seq;
}

void clocks_set_next_arm_seq(Clocks *c, uint64_t seq)
{
    c->next_seq = seq;
}

/* ---- the heap ---- */

static bool timer_before(const Timer *a, const Timer *b)
{
    return a->expire < b->expire || (a->expire == b->expire && a->seq < b->seq);
}

static void heap_place(TimerHeap *h, int i, Timer *t)
{
    h->items[i] = t;
    t->heap_index = i;
}

static void heap_sift_up(TimerHeap *h, int i)
{
    Timer *t = h->items[i];
    while (i > 0) {
        int parent = (i - 1) / 2;
        if (!timer_before(t, h->items[parent])) break;
        heap_place(h, i, h->items[parent]);
        i = parent;
    }
    heap_place(h, i, t);
}

static void heap_sift_down(TimerHeap *h, int i)
{
    Timer *t = h->items[i];
    for (;;) {
        int child = 2 * i + 1;
        if (child >= h->n) break;
        if (child + 1 < h->n && timer_before(h->items[child + 1], h->items[child])) child++;
        if (!timer_before(h->items[child], t)) break;
        heap_place(h, i, h->items[child]);
        i = child;
    }
    heap_place(h, i, t);
}

static void heap_remove(TimerHeap *h, Timer *t)
{
    int i = t->heap_index;
    t->heap_index = -1;
    Timer *last = h->items[--h->n];
    if (i == h->n) return;
    heap_place(h, i, last);
    heap_sift_up(h, i);
    heap_sift_down(h, last->heap_index);
}

/* ---- timers ---- */

Timer *timer_new(Clocks *c, ClockType type, TimerCb *cb, void *opaque)
{
    Timer *t = calloc(1, sizeof *t);
    t->clocks = c;
    t->type = type;
    t->cb = cb;
    t->opaque = opaque;
    t->heap_index = -1;
    return t;
}

void timer_free(Timer *t)
{
    if (!t) return;
    timer_del(t);
    free(t);
}

void timer_mod(Timer *t, int64_t expire_ns)
{
    timer_mod_ordered(t, expire_ns, t->clocks->next_seq);
}

void timer_mod_ordered(Timer *t, int64_t expire_ns, uint64_t seq)
{
    TimerHeap *h = &t->clocks->heaps[t->type];
    if (t->heap_index >= 0) heap_remove(h, t);
    t->expire = expire_ns;
    t->seq = seq;
    if (seq >= t->clocks->next_seq) t->clocks->next_seq = seq + 1;
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 16;
        h->items = realloc(h->items, (size_t)h->cap * sizeof *h->items);
    }
    heap_place(h, h->n++, t);
    heap_sift_up(h, h->n - 1);
}

void timer_del(Timer *t)
{
    if (t->heap_index >= 0) heap_remove(&t->clocks->heaps[t->type], t);
}

bool timer_pending(const Timer *t)
{
    return t->heap_index >= 0;
}

int64_t timer_expire_ns(const Timer *t)
{
    return t->heap_index >= 0 ? t->expire : -1;
}

uint64_t timer_arm_seq(const Timer *t)
{
    return t->seq;
}

/* ---- deadlines and expiry ---- */

static bool clock_active(Clocks *c, ClockType type)
{
    return c->heaps[type].n > 0 && !(type == CLK_VIRTUAL && c->paused);
}

int64_t clock_deadline_ns(Clocks *c, ClockType type)
{
    if (!clock_active(c, type)) return -1;
    int64_t d = c->heaps[type].items[0]->expire - clock_get_ns(c, type);
    return d > 0 ? d : 0;
}

int64_t clocks_deadline_ns(Clocks *c)
{
    int64_t best = -1;
    for (int type = 0; type < CLK__COUNT; type++) {
        int64_t d = clock_deadline_ns(c, (ClockType)type);
        if (d >= 0 && (best < 0 || d < best)) best = d;
    }
    return best;
}

bool clocks_run_expired(Clocks *c)
{
    bool ran = false;
    for (int type = 0; type < CLK__COUNT; type++) {
        if (!clock_active(c, (ClockType)type)) continue;
        TimerHeap *h = &c->heaps[type];
        int64_t now = clock_get_ns(c, (ClockType)type);
        uint64_t first_new_seq = c->next_seq;
        /* Timers armed by callbacks during this pass wait for the next one,
         * so a callback re-arming at "now" cannot spin here. */
        while (h->n > 0 && h->items[0]->expire <= now && h->items[0]->seq < first_new_seq) {
            Timer *t = h->items[0];
            heap_remove(h, t);
            t->cb(t->opaque);
            ran = true;
        }
    }
    return ran;
}
