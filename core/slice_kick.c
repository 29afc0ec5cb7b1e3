/* Slice kicks: a helper thread that ends vCPU slices at timer deadlines
 * (core/slice_kick.h). */
#include "core/slice_kick.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "core/cpu.h"
#include "core/machine.h"

struct SliceKick {
    Machine *m;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int64_t deadline; /* CLOCK_MONOTONIC ns; -1: none */
    bool stop;
};

static int64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *slice_kick_thread(void *opaque)
{
    SliceKick *k = opaque;
    pthread_mutex_lock(&k->lock);
    while (!k->stop) {
        if (k->deadline < 0) {
            pthread_cond_wait(&k->cond, &k->lock);
            continue;
        }
        struct timespec ts = {.tv_sec = k->deadline / 1000000000,
                              .tv_nsec = k->deadline % 1000000000};
        int rc = pthread_cond_timedwait(&k->cond, &k->lock, &ts);
        if (rc == ETIMEDOUT && k->deadline >= 0 && monotonic_ns() >= k->deadline) {
            k->deadline = -1;
            for (int i = 0; i < k->m->ncpus; i++)
                cpu_exit(k->m->cpus[i]);
        }
    }
    pthread_mutex_unlock(&k->lock);
    return NULL;
}

SliceKick *slice_kick_new(Machine *m)
{
    SliceKick *k = calloc(1, sizeof *k);
    if (!k) return NULL;
    k->m = m;
    k->deadline = -1;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&k->cond, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&k->lock, NULL);
    if (pthread_create(&k->thread, NULL, slice_kick_thread, k) != 0) {
        pthread_cond_destroy(&k->cond);
        pthread_mutex_destroy(&k->lock);
        free(k);
        return NULL;
    }
    return k;
}

void slice_kick_free(SliceKick *k)
{
    if (!k) return;
    pthread_mutex_lock(&k->lock);
    k->stop = true;
    pthread_cond_signal(&k->cond);
    pthread_mutex_unlock(&k->lock);
    pthread_join(k->thread, NULL);
    pthread_cond_destroy(&k->cond);
    pthread_mutex_destroy(&k->lock);
    free(k);
}

void slice_kick_arm(SliceKick *k, int64_t ns)
{
    if (!k) return;
    int64_t deadline = ns < 0 ? -1 : monotonic_ns() + ns;
    pthread_mutex_lock(&k->lock);
    k->deadline = deadline;
    pthread_cond_signal(&k->cond);
    pthread_mutex_unlock(&k->lock);
}
