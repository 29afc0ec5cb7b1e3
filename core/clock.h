/*
 * Clocks and timers (blueprint §9).  Each machine owns one Clocks:
 *   CLK_VIRTUAL  guest time; stops while paused; in icount mode it is
 *                (instructions executed << shift) + warp bias, so runs are
 *                deterministic.
 *   CLK_REALTIME host monotonic time.
 * Timers live in a min-heap per clock; equal expiry times fire in the
 * order they were armed.
 *
 *     Timer *t = timer_new(clocks, CLK_VIRTUAL, cb, opaque);
 *     timer_mod(t, clock_get_ns(clocks, CLK_VIRTUAL) + 1000000);
 *     ... event loop: clocks_deadline_ns() bounds poll(); clocks_run_expired()
 */
#ifndef DOPPEL_CLOCK_H
#define DOPPEL_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef enum ClockType {
    CLK_VIRTUAL,
    CLK_REALTIME,
    CLK__COUNT,
} ClockType;

typedef struct Clocks Clocks;
typedef struct Timer Timer;
typedef void TimerCb(void *opaque);

Clocks *clocks_new(void);
/* Frees the clocks; timers must be freed first by their owners. */
void clocks_free(Clocks *c);

int64_t clock_get_ns(Clocks *c, ClockType type);

/* Pause and resume CLK_VIRTUAL (vm stop/cont).  Its timers do not run and
 * do not count towards the deadline while paused. */
void clocks_pause_virtual(Clocks *c);
void clocks_resume_virtual(Clocks *c);
bool clocks_virtual_paused(const Clocks *c);

/* icount mode: virtual ns = get(opaque) << shift, plus the warp bias. */
void clocks_set_icount_source(Clocks *c, uint64_t (*get)(void *opaque), void *opaque, int shift);
/* icount with every vCPU halted: jump virtual time forward to target_ns
 * (no-op if it is already there). */
void clocks_warp_virtual(Clocks *c, int64_t target_ns);

/* Replace the host monotonic source (tests). */
void clocks_set_host_source(Clocks *c, int64_t (*now_ns)(void *opaque), void *opaque);

Timer *timer_new(Clocks *c, ClockType type, TimerCb *cb, void *opaque);
void timer_free(Timer *t);
/* (Re)arm for absolute time expire_ns on the timer's clock. */
void timer_mod(Timer *t, int64_t expire_ns);
void timer_del(Timer *t);
bool timer_pending(const Timer *t);
int64_t timer_expire_ns(const Timer *t); /* -1 if not pending */

/* Snapshots (core/vmstate.c, core/snapshot.c): a timer's place among
 * equal expiries is its arming sequence number, saved with the expiry so
 * a restored machine fires ties in the same order. */
uint64_t timer_arm_seq(const Timer *t);
/* Arm at expire_ns with the given sequence number (later armings get
 * larger ones than every sequence number restored so far). */
void timer_mod_ordered(Timer *t, int64_t expire_ns, uint64_t seq);
/* The sequence number the next arming gets; setting it back makes future
 * armings number as they did when it was read. */
uint64_t clocks_next_arm_seq(const Clocks *c);
void clocks_set_next_arm_seq(Clocks *c, uint64_t seq);
/* icount: the warp bias (virtual ns added to icount << shift); 0 otherwise. */
int64_t clocks_icount_bias(const Clocks *c);
/* Make CLK_VIRTUAL read ns from now on (paused or running); with icount
 * the bias absorbs the difference, so later time follows the instruction
 * count exactly as it did when ns was read. */
void clocks_set_virtual_ns(Clocks *c, int64_t ns);

/* Nanoseconds from now to the nearest expiry over both clocks (0 if
 * overdue), or -1 if no timer is armed. */
int64_t clocks_deadline_ns(Clocks *c);
/* The same for one clock (icount: how far the vCPU may run). */
int64_t clock_deadline_ns(Clocks *c, ClockType type);
/* Run the callbacks of expired timers; true if any ran.  A timer re-armed
 * at or before now by its callback runs at the next call, not this one. */
bool clocks_run_expired(Clocks *c);

#endif
