/* core_clock: clocks, the timer heap, icount time; core_event_loop: fds,
 * deferred work and timers through event_loop_poll. */
#include <criterion/criterion.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/event_loop.h"

static int64_t fake_host_ns;
static int64_t fake_now(void *opaque)
{
    return fake_host_ns;
}

static Clocks *C;

/* Fired timers append their tag here. */
static int fired[512];
static int nfired;

static void record_cb(void *opaque)
{
    fired[nfired++] = (int)(intptr_t)opaque;
}

static void setup(void)
{
    fake_host_ns = 1000000;
    C = clocks_new();
    clocks_set_host_source(C, fake_now, NULL);
    nfired = 0;
}

static void teardown(void)
{
    clocks_free(C);
}

TestSuite(core_clock, .init = setup, .fini = teardown);

static Timer *tag_timer(ClockType type, int tag)
{
    return timer_new(C, type, record_cb, (void *)(intptr_t)tag);
}

Test(core_clock, virtual_time_follows_host_and_starts_near_zero)
{
    int64_t v0 = clock_get_ns(C, CLK_VIRTUAL);
    cr_assert(v0 >= 0 && v0 < 1000000000, "virtual time starts near 0, got %lld", (long long)v0);
    fake_host_ns += 5000;
    cr_assert_eq(clock_get_ns(C, CLK_VIRTUAL), v0 + 5000);
    cr_assert_eq(clock_get_ns(C, CLK_REALTIME), fake_host_ns);
}

Test(core_clock, timers_fire_in_expiry_order)
{
    int64_t now = clock_get_ns(C, CLK_VIRTUAL);
    static const int offsets[] = {50, 10, 40, 20, 30};
    Timer *t[5];
    for (int i = 0; i < 5; i++) {
        t[i] = tag_timer(CLK_VIRTUAL, offsets[i]);
        timer_mod(t[i], now + offsets[i]);
    }
    fake_host_ns += 35;
    cr_assert(clocks_run_expired(C));
    cr_assert_eq(nfired, 3);
    cr_assert_eq(fired[0], 10);
    cr_assert_eq(fired[1], 20);
    cr_assert_eq(fired[2], 30);
    cr_assert_not(timer_pending(t[1]));
    cr_assert(timer_pending(t[0]));
    fake_host_ns += 100;
    cr_assert(clocks_run_expired(C));
    cr_assert_eq(nfired, 5);
    cr_assert_eq(fired[3], 40);
    cr_assert_eq(fired[4], 50);
    cr_assert_not(clocks_run_expired(C));
    for (int i = 0; i < 5; i++)
        timer_free(t[i]);
}

Test(core_clock, equal_expiries_fire_in_arming_order)
{
    Timer *t[4];
    for (int i = 0; i < 4; i++) {
        t[i] = tag_timer(CLK_REALTIME, i);
        timer_mod(t[i], fake_host_ns + 100);
    }
    timer_mod(t[0], fake_host_ns + 100); /* re-arming moves it to the back */
    fake_host_ns += 100;
    clocks_run_expired(C);
    cr_assert_eq(nfired, 4);
    cr_assert_eq(fired[0], 1);
    cr_assert_eq(fired[1], 2);
    cr_assert_eq(fired[2], 3);
    cr_assert_eq(fired[3], 0);
    for (int i = 0; i < 4; i++)
        timer_free(t[i]);
}

Test(core_clock, mod_and_del)
{
    Timer *a = tag_timer(CLK_REALTIME, 1), *b = tag_timer(CLK_REALTIME, 2);
    cr_assert_not(timer_pending(a));
    cr_assert_eq(timer_expire_ns(a), -1);
    timer_mod(a, fake_host_ns + 10);
    timer_mod(b, fake_host_ns + 20);
    cr_assert(timer_pending(a));
    cr_assert_eq(timer_expire_ns(a), fake_host_ns + 10);
    timer_mod(a, fake_host_ns + 30); /* later than b now */
    timer_del(b);
    timer_del(b); /* twice is harmless */
    cr_assert_not(timer_pending(b));
    fake_host_ns += 25;
    cr_assert_not(clocks_run_expired(C));
    fake_host_ns += 5;
    cr_assert(clocks_run_expired(C));
    cr_assert_eq(nfired, 1);
    cr_assert_eq(fired[0], 1);
    timer_free(a);
    timer_free(b);
}

Test(core_clock, deadline_over_both_clocks)
{
    cr_assert_eq(clocks_deadline_ns(C), -1);
    Timer *v = tag_timer(CLK_VIRTUAL, 1), *r = tag_timer(CLK_REALTIME, 2);
    timer_mod(v, clock_get_ns(C, CLK_VIRTUAL) + 500);
    cr_assert_eq(clocks_deadline_ns(C), 500);
    timer_mod(r, fake_host_ns + 200);
    cr_assert_eq(clocks_deadline_ns(C), 200);
    cr_assert_eq(clock_deadline_ns(C, CLK_VIRTUAL), 500);
    fake_host_ns += 300; /* realtime timer overdue */
    cr_assert_eq(clocks_deadline_ns(C), 0);
    timer_del(r);
    cr_assert_eq(clocks_deadline_ns(C), 200);
    timer_free(v);
    timer_free(r);
}

Test(core_clock, virtual_clock_pauses)
{
    Timer *t = tag_timer(CLK_VIRTUAL, 7);
    int64_t v0 = clock_get_ns(C, CLK_VIRTUAL);
    timer_mod(t, v0 + 100);
    clocks_pause_virtual(C);
    cr_assert(clocks_virtual_paused(C));
    fake_host_ns += 1000;
    cr_assert_eq(clock_get_ns(C, CLK_VIRTUAL), v0, "virtual time stands still while paused");
    cr_assert_eq(clocks_deadline_ns(C), -1, "paused virtual timers do not bound the wait");
    cr_assert_not(clocks_run_expired(C));
    cr_assert_eq(nfired, 0);
    clocks_resume_virtual(C);
    cr_assert_eq(clock_get_ns(C, CLK_VIRTUAL), v0, "resumes where it stopped");
    fake_host_ns += 100;
    cr_assert(clocks_run_expired(C));
    cr_assert_eq(nfired, 1);
    timer_free(t);
}

static uint64_t insns;
static uint64_t get_insns(void *opaque)
{
    return insns;
}

Test(core_clock, icount_time_is_derived_from_instructions)
{
    insns = 0;
    clocks_set_icount_source(C, get_insns, NULL, 3);
    cr_assert_eq(clock_get_ns(C, CLK_VIRTUAL), 0);
    insns = 1000;
    cr_assert_eq(clock_get_ns(C, CLK_VIRTUAL), 8000);
    fake_host_ns += 123456; /* host time does not matter */
    cr_assert_eq(clock_get_ns(C, CLK_VIRTUAL), 8000);

    Timer *t = tag_timer(CLK_VIRTUAL, 1);
    timer_mod(t, 10000);
    cr_assert_eq(clock_deadline_ns(C, CLK_VIRTUAL), 2000);
    insns = 1249;
    cr_assert_not(clocks_run_expired(C));
    insns = 1250;
    cr_assert(clocks_run_expired(C));

    /* All vCPUs halted: jump to the next deadline. */
    timer_mod(t, 50000);
    clocks_warp_virtual(C, 50000);
    cr_assert_eq(clock_get_ns(C, CLK_VIRTUAL), 50000);
    clocks_warp_virtual(C, 100); /* never backwards */
    cr_assert_eq(clock_get_ns(C, CLK_VIRTUAL), 50000);
    insns += 1;
    cr_assert_eq(clock_get_ns(C, CLK_VIRTUAL), 50008);
    cr_assert(clocks_run_expired(C));
    cr_assert_eq(nfired, 2);
    timer_free(t);
}

static Timer *rearm_timer;
static void rearm_now_cb(void *opaque)
{
    nfired++;
    timer_mod(rearm_timer, clock_get_ns(C, CLK_REALTIME));
}

Test(core_clock, rearming_at_now_does_not_spin)
{
    rearm_timer = timer_new(C, CLK_REALTIME, rearm_now_cb, NULL);
    timer_mod(rearm_timer, fake_host_ns);
    cr_assert(clocks_run_expired(C));
    cr_assert_eq(nfired, 1, "the re-armed timer waits for the next pass");
    cr_assert_eq(clocks_deadline_ns(C), 0);
    cr_assert(clocks_run_expired(C));
    cr_assert_eq(nfired, 2);
    timer_free(rearm_timer);
}

Test(core_clock, heap_keeps_order_under_churn)
{
    enum { N = 300 };
    Timer *t[N];
    int64_t due[N];
    bool pending[N];
    uint32_t seed = 12345;
    int64_t base = fake_host_ns;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245 + 12345;
        t[i] = tag_timer(CLK_REALTIME, i);
        due[i] = base + (seed >> 16) % 1000;
        timer_mod(t[i], due[i]);
        pending[i] = true;
    }
    for (int i = 0; i < N; i += 3) {
        timer_del(t[i]);
        pending[i] = false;
    }
    for (int i = 1; i < N; i += 7) {
        due[i] = base + 500;
        timer_mod(t[i], due[i]);
        pending[i] = true;
    }
    int expected = 0;
    for (int i = 0; i < N; i++)
        expected += pending[i];
    fake_host_ns = base + 1000;
    clocks_run_expired(C);
    cr_assert_eq(nfired, expected);
    for (int i = 1; i < nfired; i++)
        cr_assert(due[fired[i - 1]] <= due[fired[i]], "timer %d (due %lld) fired before %d (%lld)",
                  fired[i - 1], (long long)due[fired[i - 1]], fired[i], (long long)due[fired[i]]);
    for (int i = 0; i < nfired; i++)
        cr_assert(pending[fired[i]], "deleted timer %d fired", fired[i]);
    for (int i = 0; i < N; i++)
        timer_free(t[i]);
}

/* ---- event loop ---- */

TestSuite(core_event_loop, .init = setup, .fini = teardown);

typedef struct FdProbe {
    int calls;
    char got[16];
} FdProbe;

static void fd_probe_cb(void *opaque, int fd, short revents)
{
    FdProbe *p = opaque;
    p->calls++;
    if (revents & POLLIN) {
        ssize_t n = read(fd, p->got, sizeof p->got - 1);
        p->got[n > 0 ? n : 0] = '\0';
    }
}

Test(core_event_loop, fd_callbacks_dispatch)
{
    EventLoop *loop = event_loop_new(C);
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    FdProbe probe = {0};
    cr_assert(event_loop_add_fd(loop, fds[0], POLLIN, fd_probe_cb, &probe));
    cr_assert_not(event_loop_add_fd(loop, fds[0], POLLIN, fd_probe_cb, &probe), "one watch per fd");
    cr_assert_eq(event_loop_poll(loop, 0), 0);
    cr_assert_eq(write(fds[1], "hi", 2), 2);
    cr_assert_eq(event_loop_poll(loop, 1000000000), 1);
    cr_assert_eq(probe.calls, 1);
    cr_assert_str_eq(probe.got, "hi");

    event_loop_set_fd_events(loop, fds[0], 0); /* paused watch */
    cr_assert_eq(write(fds[1], "x", 1), 1);
    cr_assert_eq(event_loop_poll(loop, 0), 0);
    event_loop_set_fd_events(loop, fds[0], POLLIN);
    cr_assert_eq(event_loop_poll(loop, 0), 1);
    cr_assert_str_eq(probe.got, "x");

    event_loop_remove_fd(loop, fds[0]);
    cr_assert_eq(write(fds[1], "y", 1), 1);
    cr_assert_eq(event_loop_poll(loop, 0), 0);
    cr_assert_eq(probe.calls, 2);
    close(fds[0]);
    close(fds[1]);
    event_loop_free(loop);
}

static void bh_cb(void *opaque)
{
    (*(int *)opaque)++;
}

Test(core_event_loop, scheduled_work_runs_once_without_waiting)
{
    EventLoop *loop = event_loop_new(C);
    int count = 0;
    event_loop_schedule(loop, bh_cb, &count);
    event_loop_schedule(loop, bh_cb, &count);
    /* An infinite timeout must not block: work is pending. */
    cr_assert_eq(event_loop_poll(loop, -1), 2);
    cr_assert_eq(count, 2);
    cr_assert_eq(event_loop_poll(loop, 0), 0);
    cr_assert_eq(count, 2);
    event_loop_free(loop);
}

Test(core_event_loop, timers_run_from_poll)
{
    EventLoop *loop = event_loop_new(C);
    Timer *t = tag_timer(CLK_REALTIME, 9);
    timer_mod(t, fake_host_ns - 1); /* already due: poll must not sleep */
    cr_assert_eq(event_loop_poll(loop, -1), 1);
    cr_assert_eq(nfired, 1);
    cr_assert_eq(fired[0], 9);
    timer_free(t);
    event_loop_free(loop);
}

Test(core_event_loop, real_timeout_elapses)
{
    clocks_free(C);
    C = clocks_new(); /* real host time */
    EventLoop *loop = event_loop_new(C);
    Timer *t = tag_timer(CLK_REALTIME, 3);
    int64_t start = clock_get_ns(C, CLK_REALTIME);
    timer_mod(t, start + 2000000); /* 2 ms */
    while (!nfired)
        event_loop_poll(loop, -1);
    cr_assert(clock_get_ns(C, CLK_REALTIME) - start >= 2000000);
    timer_free(t);
    event_loop_free(loop);
}
