/*
 * poll()-based event loop: fd watches, deferred work (bottom halves) that
 * other threads may schedule, and the clocks' timers.
 */
#define _GNU_SOURCE
#include "core/event_loop.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"

typedef struct FdWatch {
    int fd;
    short events;
    bool deleted; /* removed during dispatch; compacted afterwards */
    EventFdCb *cb;
    void *opaque;
} FdWatch;

typedef struct Bh {
    EventBhCb *cb;
    void *opaque;
    struct Bh *next;
} Bh;

typedef struct PollHook {
    EventPollPrepareCb *prepare;
    EventPollDispatchCb *dispatch;
    void *opaque;
} PollHook;

#define EVENT_LOOP_MAX_HOOKS 8
#define PFD_HOOK             (-2) /* pfd_watch value of a hook's descriptor */

struct EventLoop {
    Clocks *clocks;
    PollHook hooks[EVENT_LOOP_MAX_HOOKS];
    int nhooks;
    int npfds; /* entries of pfds in use during one poll */
    FdWatch *watches;
    int nwatches, cap;
    struct pollfd *pfds;
    int *pfd_watch; /* pfds[i] belongs to watches[pfd_watch[i]], -1 = wake fd */
    int pfd_cap;
    int wake_fd;
    pthread_mutex_t bh_lock;
    Bh *bh_head, **bh_tail;
};

EventLoop *event_loop_new(Clocks *clocks)
{
    EventLoop *loop = calloc(1, sizeof *loop);
    loop->clocks = clocks;
    loop->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    pthread_mutex_init(&loop->bh_lock, NULL);
    loop->bh_tail = &loop->bh_head;
    return loop;
}

void event_loop_free(EventLoop *loop)
{
    if (!loop) return;
    for (Bh *b = loop->bh_head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    pthread_mutex_destroy(&loop->bh_lock);
    if (loop->wake_fd >= 0) close(loop->wake_fd);
    free(loop->watches);
    free(loop->pfds);
    free(loop->pfd_watch);
    free(loop);
}

static FdWatch *watch_find(EventLoop *loop, int fd)
{
    for (int i = 0; i < loop->nwatches; i++) {
        if (loop->watches[i].fd == fd && !loop->watches[i].deleted) return &loop->watches[i];
    }
    return NULL;
}

bool event_loop_add_fd(EventLoop *loop, int fd, short events, EventFdCb *cb, void *opaque)
{
    if (fd < 0 || watch_find(loop, fd)) return false;
    if (loop->nwatches == loop->cap) {
        loop->cap = loop->cap ? loop->cap * 2 : 8;
        loop->watches = realloc(loop->watches, (size_t)loop->cap * sizeof *loop->watches);
    }
    loop->watches[loop->nwatches++] = (FdWatch){fd, events, false, cb, opaque};
    return true;
}

void event_loop_set_fd_events(EventLoop *loop, int fd, short events)
{
    FdWatch *w = watch_find(loop, fd);
    if (w) w->events = events;
}

void event_loop_remove_fd(EventLoop *loop, int fd)
{
    FdWatch *w = watch_find(loop, fd);
    if (w) w->deleted = true;
}

static void watches_compact(EventLoop *loop)
{
    int n = 0;
    for (int i = 0; i < loop->nwatches; i++) {
        if (!loop->watches[i].deleted) loop->watches[n++] = loop->watches[i];
    }
    loop->nwatches = n;
}

void event_loop_notify(EventLoop *loop)
{
    uint64_t one = 1;
    if (write(loop->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
        return; /* counter saturated means a wake-up is already pending */
}

void event_loop_schedule(EventLoop *loop, EventBhCb *cb, void *opaque)
{
    Bh *b = malloc(sizeof *b);
    *b = (Bh){cb, opaque, NULL};
    pthread_mutex_lock(&loop->bh_lock);
    *loop->bh_tail = b;
    loop->bh_tail = &b->next;
    pthread_mutex_unlock(&loop->bh_lock);
    event_loop_notify(loop);
}

/* Run the work scheduled so far (work scheduled by it runs next time). */
static int run_bottom_halves(EventLoop *loop)
{
    pthread_mutex_lock(&loop->bh_lock);
    Bh *list = loop->bh_head;
    loop->bh_head = NULL;
    loop->bh_tail = &loop->bh_head;
    pthread_mutex_unlock(&loop->bh_lock);
    int n = 0;
    while (list) {
        Bh *next = list->next;
        list->cb(list->opaque);
        free(list);
        list = next;
        n++;
    }
    return n;
}

static bool bottom_halves_pending(EventLoop *loop)
{
    pthread_mutex_lock(&loop->bh_lock);
    bool pending = loop->bh_head != NULL;
    pthread_mutex_unlock(&loop->bh_lock);
    return pending;
}

static void pollfds_reserve(EventLoop *loop, int need)
{
    if (need > loop->pfd_cap) {
        loop->pfd_cap = need * 2;
        loop->pfds = realloc(loop->pfds, (size_t)loop->pfd_cap * sizeof *loop->pfds);
        loop->pfd_watch = realloc(loop->pfd_watch, (size_t)loop->pfd_cap * sizeof(int));
    }
}

bool event_loop_add_poll_hook(EventLoop *loop, EventPollPrepareCb *prepare,
                              EventPollDispatchCb *dispatch, void *opaque)
{
    if (loop->nhooks == EVENT_LOOP_MAX_HOOKS) return false;
    loop->hooks[loop->nhooks++] = (PollHook){prepare, dispatch, opaque};
    return true;
}

void event_loop_remove_poll_hook(EventLoop *loop, void *opaque)
{
    for (int i = 0; i < loop->nhooks; i++) {
        if (loop->hooks[i].opaque != opaque) continue;
        for (int k = i + 1; k < loop->nhooks; k++)
            loop->hooks[k - 1] = loop->hooks[k];
        loop->nhooks--;
        return;
    }
}

int event_loop_hook_add_pollfd(EventLoop *loop, int fd, short events)
{
    pollfds_reserve(loop, loop->npfds + 1);
    loop->pfds[loop->npfds] = (struct pollfd){fd, events, 0};
    loop->pfd_watch[loop->npfds] = PFD_HOOK;
    return loop->npfds++;
}

short event_loop_hook_revents(EventLoop *loop, int index)
{
    if (index < 0 || index >= loop->npfds || loop->pfd_watch[index] != PFD_HOOK) return 0;
    return loop->pfds[index].revents;
}

/* Fill pfds from the live watches plus the wake fd; returns the count. */
static int build_pollfds(EventLoop *loop)
{
    pollfds_reserve(loop, loop->nwatches + 1);
    int n = 0;
    loop->pfds[n] = (struct pollfd){loop->wake_fd, POLLIN, 0};
    loop->pfd_watch[n++] = -1;
    for (int i = 0; i < loop->nwatches; i++) {
        FdWatch *w = &loop->watches[i];
        if (w->deleted || !w->events) continue;
        loop->pfds[n] = (struct pollfd){w->fd, w->events, 0};
        loop->pfd_watch[n++] = i;
    }
    return n;
}

int event_loop_poll(EventLoop *loop, int64_t timeout_ns)
{
    loop->npfds = build_pollfds(loop);
    /* A hook may remove itself from dispatch: iterate over a copy. */
    PollHook hooks[EVENT_LOOP_MAX_HOOKS];
    int nhooks = loop->nhooks;
    memcpy(hooks, loop->hooks, sizeof hooks);
    for (int i = 0; i < nhooks; i++)
        hooks[i].prepare(hooks[i].opaque, loop, &timeout_ns);
    if (loop->clocks) {
        int64_t deadline = clocks_deadline_ns(loop->clocks);
        if (deadline >= 0 && (timeout_ns < 0 || deadline < timeout_ns)) timeout_ns = deadline;
    }
    if (bottom_halves_pending(loop)) timeout_ns = 0;

    int npfd = loop->npfds;
    struct timespec ts = {timeout_ns / 1000000000, timeout_ns % 1000000000};
    int ready = ppoll(loop->pfds, (nfds_t)npfd, timeout_ns < 0 ? NULL : &ts, NULL);
    int handled = 0;
    if (ready < 0) {
        for (int i = 0; i < npfd; i++)
            loop->pfds[i].revents = 0;
    }
    for (int i = 0; i < nhooks; i++)
        hooks[i].dispatch(hooks[i].opaque, loop, ready < 0);
    for (int i = 0; ready > 0 && i < npfd; i++) {
        short revents = loop->pfds[i].revents;
        if (!revents) continue;
        int wi = loop->pfd_watch[i];
        if (wi == PFD_HOOK) {
            handled++;
            continue;
        }
        if (wi < 0) {
            uint64_t count;
            while (read(loop->wake_fd, &count, sizeof count) > 0)
                ; /* drain the wake-up counter */
            continue;
        }
        /* Copy out: the callback may add watches (realloc) or remove this one. */
        FdWatch w = loop->watches[wi];
        if (w.deleted) continue;
        w.cb(w.opaque, w.fd, revents);
        handled++;
    }
    handled += run_bottom_halves(loop);
    if (loop->clocks && clocks_run_expired(loop->clocks)) handled++;
    watches_compact(loop);
    return handled;
}
