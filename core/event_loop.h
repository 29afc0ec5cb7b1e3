/*
 * The main thread's event loop (blueprint §9): poll() on file descriptors
 * with the nearest timer deadline, then fd callbacks, deferred work and
 * expired timers.  The cpu loop calls event_loop_poll(loop, 0) between
 * vCPU slices and event_loop_poll(loop, -1 or a deadline) when every vCPU
 * is halted.
 */
#ifndef DOPPEL_EVENT_LOOP_H
#define DOPPEL_EVENT_LOOP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct Clocks Clocks;
typedef struct EventLoop EventLoop;

/* revents as from poll(): POLLIN, POLLOUT, POLLHUP, POLLERR. */
typedef void EventFdCb(void *opaque, int fd, short revents);
typedef void EventBhCb(void *opaque);

/* clocks may be NULL (no timers). */
EventLoop *event_loop_new(Clocks *clocks);
void event_loop_free(EventLoop *loop);

/* Watch fd for events (POLLIN/POLLOUT).  One watch per fd. */
bool event_loop_add_fd(EventLoop *loop, int fd, short events, EventFdCb *cb, void *opaque);
/* Change the events watched (0 pauses the watch, e.g. for backpressure). */
void event_loop_set_fd_events(EventLoop *loop, int fd, short events);
void event_loop_remove_fd(EventLoop *loop, int fd);

/* Run cb(opaque) once at the next poll.  Safe from any thread (it wakes a
 * loop sleeping in poll). */
void event_loop_schedule(EventLoop *loop, EventBhCb *cb, void *opaque);
/* Wake a loop sleeping in poll (any thread). */
void event_loop_notify(EventLoop *loop);

/* Poll hooks, for backends that own a changing set of descriptors
 * (libslirp): before each poll, prepare(opaque, loop, &timeout_ns) adds
 * descriptors with event_loop_hook_add_pollfd and may lower the timeout
 * (-1 = none); after it, dispatch(opaque, loop, poll_failed) reads their
 * results with event_loop_hook_revents.  One hook per opaque. */
typedef void EventPollPrepareCb(void *opaque, EventLoop *loop, int64_t *timeout_ns);
typedef void EventPollDispatchCb(void *opaque, EventLoop *loop, bool poll_failed);
bool event_loop_add_poll_hook(EventLoop *loop, EventPollPrepareCb *prepare,
                              EventPollDispatchCb *dispatch, void *opaque);
void event_loop_remove_poll_hook(EventLoop *loop, void *opaque);
/* Only from a prepare callback: watch fd for events; returns the index
 * to pass to event_loop_hook_revents in dispatch. */
int event_loop_hook_add_pollfd(EventLoop *loop, int fd, short events);
/* Only from a dispatch callback: the revents of that index (0 if none). */
short event_loop_hook_revents(EventLoop *loop, int index);

/* Wait at most timeout_ns (-1: until something happens; 0: just check),
 * bounded by the nearest timer.  Dispatches fd callbacks, scheduled work
 * and expired timers; returns how many were handled. */
int event_loop_poll(EventLoop *loop, int64_t timeout_ns);

#endif
