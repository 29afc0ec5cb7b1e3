/*
 * Tier 1 orchestration (blueprint §6): hot TBs become regions, regions
 * are compiled on a background thread, finished code is installed at the
 * cpu loop's safe points and retired when any TB it was built from is
 * invalidated.
 *
 * Ownership: the vCPU thread owns TBs, regions and every list below but
 * the three queues; the compile thread owns the LLVM engine.  A job
 * carries a snapshot of its TBs' IR, so the compile thread never reads a
 * TB.  The TBs a job or an installed region names stay allocated:
 * jit_refs keeps an invalidated TB from being freed until its job is
 * done, and a region is retired (its entry removed from the head TB, the
 * vCPU made to leave native code) before any of its TBs can be freed.
 */
#include "backends/llvm/jit.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/interp/interp.h"
#include "backends/llvm/jit_region.h"
#include "backends/llvm/llvm_engine.h"
#include "core/log.h"

/* Region growth bounds: enough for loops with a few branches inside, small
 * enough that LLVM's time stays in the low milliseconds. */
#define JIT_REGION_MAX_TBS 16
#define JIT_REGION_MAX_OPS 4000
/* A successor joins the region when it ran at least this fraction of the
 * threshold (1/JIT_SUCC_HOT_DIV) in the interpreter. */
#define JIT_SUCC_HOT_DIV 8
/* Jobs waiting for the compile thread; hot TBs beyond are retried later. */
#define JIT_QUEUE_MAX 64
/* Regions retired from one head before it stays in the interpreter. */
#define JIT_MAX_RECOMPILES 4
#define JIT_MAX_CPUS       64

enum {
    JIT_TB_IDLE = 0,
    JIT_TB_QUEUED,   /* heads a pending job */
    JIT_TB_COMPILED, /* heads an installed region */
    JIT_TB_GIVEN_UP, /* compile failed or retired too often */
};

typedef struct JitRegion JitRegion;

/* A TB's membership in an installed region (tb->jit_regions list). */
typedef struct JitMember {
    JitRegion *region;
    struct JitMember *next;
} JitMember;

struct JitRegion {
    uint64_t id;
    JitEntry entry;
    void *tracker;
    uint64_t code_bytes;
    TranslationBlock *head;
    TranslationBlock *tbs[JIT_REGION_MAX_TBS];
    uint32_t ntbs;
    JitRegion *next; /* installed list, then the retired list */
    JitRegion *prev;
};

typedef struct JitJob {
    JitRegionSpec spec;
    JitRegionBlock blocks[JIT_REGION_MAX_TBS];
    bool ok;
    LlvmCompiled out;
    char err[200];
    struct JitJob *next;
} JitJob;

/* A tracker for the compile thread to release. */
typedef struct JitRelease {
    void *tracker;
    struct JitRelease *next;
} JitRelease;

struct Jit {
    JitOptions o;
    TbCache *cache;
    uint64_t next_id;
    CPUState *cpus[JIT_MAX_CPUS];
    int ncpus;

    /* vCPU-thread state. */
    JitRegion *installed; /* doubly linked */
    JitRegion *retired;   /* waiting for the safe point */
    LlvmEngine *sync_engine;
    bool engine_failed;
    uint64_t pending; /* jobs queued or compiling */
    uint64_t *compile_ns;
    size_t ncompile_ns, compile_ns_cap;
    uint64_t first_hot_ns; /* when the first TB became hot; 0 before */
    JitStats s;

    /* Shared with the compile thread, under lock. */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    JitJob *todo_head, *todo_tail;
    JitJob *done;
    JitRelease *release;
    bool stop;
    atomic_bool have_done;
    pthread_t thread;
    bool thread_started;
};

static uint64_t jit_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void *jit_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) {
        fprintf(stderr, "doppel: out of memory in the JIT\n");
        abort();
    }
    return p;
}

static void jit_note_cpu(Jit *j, CPUState *cpu)
{
    for (int i = 0; i < j->ncpus; i++)
        if (j->cpus[i] == cpu) return;
    if (j->ncpus < JIT_MAX_CPUS) j->cpus[j->ncpus++] = cpu;
}

/* ---- the compile thread ---- */

static LlvmEngine *jit_engine_new(char *err, size_t errlen)
{
    LlvmEngineOptions eo = {.out_asm = log_enabled(LOG_OUT_ASM) ? log_stream() : NULL};
    return llvm_engine_create(&eo, err, errlen);
}

static void jit_compile_job(LlvmEngine *e, JitJob *job)
{
    if (!e) {
        job->ok = false;
        snprintf(job->err, sizeof job->err, "no LLVM engine");
        return;
    }
    job->ok = llvm_engine_compile(e, &job->spec, &job->out, job->err, sizeof job->err);
}

static void *jit_thread_main(void *opaque)
{
    Jit *j = opaque;
    char err[200] = "";
    LlvmEngine *e = jit_engine_new(err, sizeof err);
    if (!e) fprintf(stderr, "doppel: jit: %s; running on the interpreter\n", err);

    pthread_mutex_lock(&j->lock);
    for (;;) {
        while (!j->stop && !j->todo_head && !j->release)
            pthread_cond_wait(&j->wake, &j->lock);
        JitRelease *rel = j->release;
        j->release = NULL;
        JitJob *job = j->todo_head;
        if (job) {
            j->todo_head = job->next;
            if (!j->todo_head) j->todo_tail = NULL;
        }
        bool stop = j->stop;
        pthread_mutex_unlock(&j->lock);

        while (rel) {
            JitRelease *next = rel->next;
            if (e) llvm_engine_release(e, rel->tracker);
            free(rel);
            rel = next;
        }
        if (job) {
            if (!stop)
                jit_compile_job(e, job);
            else
                job->ok = false;
        }

        pthread_mutex_lock(&j->lock);
        if (job) {
            job->next = j->done;
            j->done = job;
            atomic_store_explicit(&j->have_done, true, memory_order_release);
        }
        if (stop && !j->todo_head && !j->release) break;
    }
    /* Code compiled but never installed dies with the engine. */
    for (JitJob *d = j->done; d; d = d->next) {
        if (d->ok && e) llvm_engine_release(e, d->out.tracker);
        d->ok = false;
    }
    pthread_mutex_unlock(&j->lock);
    if (e) llvm_engine_destroy(e);
    return NULL;
}

/* ---- creation ---- */

static void jit_tb_invalidated(void *opaque, TranslationBlock *tb);

Jit *jit_create(const JitOptions *o, TbCache *cache, char *err, size_t errlen)
{
    Jit *j = jit_xcalloc(1, sizeof *j);
    j->o = *o;
    if (!j->o.threshold) j->o.threshold = JIT_DEFAULT_THRESHOLD;
    if (!j->o.cache_size) j->o.cache_size = JIT_DEFAULT_CACHE_SIZE;
    j->cache = cache;
    j->next_id = 1;
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->wake, NULL);
    if (j->o.sync) {
        j->sync_engine = jit_engine_new(err, errlen);
        if (!j->sync_engine) {
            pthread_cond_destroy(&j->wake);
            pthread_mutex_destroy(&j->lock);
            free(j);
            return NULL;
        }
    } else {
        if (pthread_create(&j->thread, NULL, jit_thread_main, j) != 0) {
            snprintf(err, errlen, "cannot start the compile thread");
            pthread_cond_destroy(&j->wake);
            pthread_mutex_destroy(&j->lock);
            free(j);
            return NULL;
        }
        j->thread_started = true;
    }
    tb_cache_set_jit_hook(cache, jit_tb_invalidated, j);
    return j;
}

uint64_t jit_threshold(const Jit *j)
{
    return j->o.sync ? UINT64_MAX : j->o.threshold;
}

/* ---- regions: membership, retirement ---- */

static void jit_member_add(TranslationBlock *tb, JitRegion *r)
{
    JitMember *m = jit_xcalloc(1, sizeof *m);
    m->region = r;
    m->next = tb->jit_regions;
    tb->jit_regions = m;
}

static void jit_member_remove(TranslationBlock *tb, JitRegion *r)
{
    for (JitMember **p = (JitMember **)&tb->jit_regions; *p; p = &(*p)->next) {
        if ((*p)->region == r) {
            JitMember *m = *p;
            *p = m->next;
            free(m);
            return;
        }
    }
}

static void jit_request_exit(Jit *j)
{
    for (int i = 0; i < j->ncpus; i++)
        cpu_exit(j->cpus[i]);
}

/* Take r out of use: no new entries, and a vCPU inside it leaves at its
 * next block boundary (exit_request).  Its code is freed at the next safe
 * point. */
static void jit_retire(Jit *j, JitRegion *r)
{
    TranslationBlock *head = r->head;
    if (atomic_load_explicit(&head->native, memory_order_relaxed) == (void *)r->entry) {
        atomic_store_explicit(&head->native, NULL, memory_order_release);
        head->exec_count = 0;
        head->jit_state =
            ++head->jit_recompiles >= JIT_MAX_RECOMPILES ? JIT_TB_GIVEN_UP : JIT_TB_IDLE;
    }
    for (uint32_t i = 0; i < r->ntbs; i++)
        jit_member_remove(r->tbs[i], r);
    if (r->prev)
        r->prev->next = r->next;
    else
        j->installed = r->next;
    if (r->next) r->next->prev = r->prev;
    r->prev = NULL;
    r->next = j->retired;
    j->retired = r;
    j->s.regions--;
    j->s.regions_retired++;
    j->s.tbs_covered -= r->ntbs;
    j->s.code_bytes -= r->code_bytes;
    jit_request_exit(j);
    LOG_MASK(LOG_JIT, "JIT retire region %llu (head pc=0x%llx)\n", (unsigned long long)r->id,
             (unsigned long long)head->pc);
}

static void jit_tb_invalidated(void *opaque, TranslationBlock *tb)
{
    Jit *j = opaque;
    while (tb->jit_regions)
        jit_retire(j, ((JitMember *)tb->jit_regions)->region);
}

static void jit_release_tracker(Jit *j, void *tracker)
{
    if (!tracker) return;
    if (j->sync_engine) {
        llvm_engine_release(j->sync_engine, tracker);
        return;
    }
    JitRelease *rel = jit_xcalloc(1, sizeof *rel);
    rel->tracker = tracker;
    pthread_mutex_lock(&j->lock);
    rel->next = j->release;
    j->release = rel;
    pthread_cond_signal(&j->wake);
    pthread_mutex_unlock(&j->lock);
}

/* ---- installation ---- */

static void jit_record_compile_time(Jit *j, uint64_t ns)
{
    if (j->ncompile_ns == j->compile_ns_cap) {
        size_t cap = j->compile_ns_cap ? j->compile_ns_cap * 2 : 256;
        uint64_t *n = realloc(j->compile_ns, cap * sizeof *n);
        if (!n) return;
        j->compile_ns = n;
        j->compile_ns_cap = cap;
    }
    j->compile_ns[j->ncompile_ns++] = ns;
    j->s.compile_ns_total += ns;
}

static void jit_job_free(JitJob *job, bool free_ir)
{
    if (free_ir)
        for (uint32_t i = 0; i < job->spec.nblocks; i++)
            ir_block_free(job->blocks[i].ir);
    free(job);
}

/* Install a finished job, or drop it if a TB it was built from has gone
 * or the head changed hands meanwhile. */
static void jit_finish_job(Jit *j, JitJob *job, bool owns_ir)
{
    TranslationBlock *head = job->blocks[0].tb;
    bool valid = job->ok && head->jit_state == JIT_TB_QUEUED;
    for (uint32_t i = 0; i < job->spec.nblocks && valid; i++)
        if (job->blocks[i].tb->invalid) valid = false;

    if (job->ok)
        jit_record_compile_time(j, job->out.lower_ns + job->out.opt_ns + job->out.codegen_ns);
    if (!job->ok) {
        j->s.compile_failures++;
        if (j->s.compile_failures == 1)
            fprintf(stderr, "doppel: jit: compiling a region failed: %s (it stays interpreted)\n",
                    job->err);
        LOG_MASK(LOG_JIT, "JIT region %llu failed: %s\n", (unsigned long long)job->spec.id,
                 job->err);
    }

    if (valid) {
        JitRegion *r = jit_xcalloc(1, sizeof *r);
        r->id = job->spec.id;
        r->entry = job->out.entry;
        r->tracker = job->out.tracker;
        r->code_bytes = job->out.code_bytes;
        r->head = head;
        r->ntbs = job->spec.nblocks;
        for (uint32_t i = 0; i < r->ntbs; i++) {
            r->tbs[i] = job->blocks[i].tb;
            jit_member_add(r->tbs[i], r);
        }
        r->next = j->installed;
        if (j->installed) j->installed->prev = r;
        j->installed = r;
        head->jit_state = JIT_TB_COMPILED;
        atomic_store_explicit(&head->native, (void *)r->entry, memory_order_release);
        j->s.regions++;
        j->s.regions_total++;
        j->s.tbs_covered += r->ntbs;
        j->s.code_bytes += r->code_bytes;
        if (j->s.regions_total == 1 && j->first_hot_ns)
            j->s.first_install_ns = jit_now_ns() - j->first_hot_ns;
        LOG_MASK(LOG_JIT,
                 "JIT install region %llu head pc=0x%llx tbs=%u code=%llu bytes "
                 "lower=%lluus opt=%lluus codegen=%lluus\n",
                 (unsigned long long)r->id, (unsigned long long)head->pc, r->ntbs,
                 (unsigned long long)r->code_bytes, (unsigned long long)job->out.lower_ns / 1000,
                 (unsigned long long)job->out.opt_ns / 1000,
                 (unsigned long long)job->out.codegen_ns / 1000);
    } else {
        if (job->ok) jit_release_tracker(j, job->out.tracker);
        if (head->jit_state == JIT_TB_QUEUED) {
            head->jit_state = job->ok ? JIT_TB_IDLE : JIT_TB_GIVEN_UP;
            head->exec_count = 0;
        }
    }
    /* The other TBs may become hot on paths that do not enter through the
     * head: let them count again. */
    for (uint32_t i = 1; i < job->spec.nblocks; i++)
        if (job->blocks[i].tb->jit_state == JIT_TB_IDLE) job->blocks[i].tb->exec_count = 0;
    for (uint32_t i = 0; i < job->spec.nblocks; i++)
        job->blocks[i].tb->jit_refs--;
    jit_job_free(job, owns_ir);
}

/* Drop every installed region (the code cache is full). */
static void jit_flush_regions(Jit *j)
{
    while (j->installed)
        jit_retire(j, j->installed);
    j->s.cache_flushes++;
    LOG_MASK(LOG_JIT, "JIT cache full: all regions retired\n");
}

void jit_safe_point(Jit *j)
{
    if (atomic_load_explicit(&j->have_done, memory_order_acquire)) {
        pthread_mutex_lock(&j->lock);
        JitJob *done = j->done;
        j->done = NULL;
        atomic_store_explicit(&j->have_done, false, memory_order_relaxed);
        pthread_mutex_unlock(&j->lock);
        while (done) {
            JitJob *next = done->next;
            j->pending--;
            jit_finish_job(j, done, true);
            done = next;
        }
        if (j->s.code_bytes > j->o.cache_size) jit_flush_regions(j);
    }
    while (j->retired) {
        JitRegion *r = j->retired;
        j->retired = r->next;
        jit_release_tracker(j, r->tracker);
        free(r);
    }
}

/* ---- region formation ---- */

static int jit_region_index(const JitJob *job, const TranslationBlock *tb)
{
    for (uint32_t i = 0; i < job->spec.nblocks; i++)
        if (job->blocks[i].tb == tb) return (int)i;
    return -1;
}

static bool jit_tb_compilable(const TranslationBlock *tb)
{
    return tb && !tb->invalid && !(tb->cflags & CF_NOCACHE) && tb->ir;
}

/* The TB tb's goto_ptr last chained to, when it is on tb's guest page
 * (so the same mapping; ir/README.md: only the pc differs). */
static TranslationBlock *jit_ptr_successor(Jit *j, const TranslationBlock *tb, unsigned page_bits)
{
    uint64_t pc = tb->ptr_hint_pc, mask = ~((UINT64_C(1) << page_bits) - 1);
    if (pc == UINT64_MAX || tb->page_addr[0] == (uint64_t)-1 || tb->page_addr[1] != (uint64_t)-1 ||
        (pc & mask) != (tb->pc & mask))
        return NULL;
    TranslationBlock *d =
        tb_lookup_hash(j->cache, pc, tb->page_addr[0] | (pc & ~mask), tb->cs_base, tb->flags);
    return d && d->page_addr[1] == (uint64_t)-1 ? d : NULL;
}

/* Grow a region breadth-first from head along linked, hot successors. */
static JitJob *jit_form_region(Jit *j, TranslationBlock *head, bool follow)
{
    JitJob *job = jit_xcalloc(1, sizeof *job);
    job->spec.id = j->next_id++;
    unsigned page_bits = j->cpus[0] ? j->cpus[0]->page_bits : 12;
    job->spec.page_bits = page_bits;
    job->spec.blocks = job->blocks;
    job->spec.debug_lines = log_enabled(LOG_OUT_ASM);
    job->blocks[0].tb = head;
    job->spec.nblocks = 1;
    uint32_t ops = head->ir->nops;
    uint64_t hot = j->o.threshold / JIT_SUCC_HOT_DIV;
    for (uint32_t i = 0; follow && i < job->spec.nblocks; i++) {
        TranslationBlock *tb = job->blocks[i].tb;
        for (int n = 0; n < 3; n++) {
            TranslationBlock *d = n < 2 ? tb->jmp_dest[n] : jit_ptr_successor(j, tb, page_bits);
            if (!jit_tb_compilable(d) || jit_region_index(job, d) >= 0) continue;
            if (d->exec_count < hot && !d->native) continue;
            if (job->spec.nblocks == JIT_REGION_MAX_TBS || ops + d->ir->nops > JIT_REGION_MAX_OPS)
                continue;
            job->blocks[job->spec.nblocks++].tb = d;
            ops += d->ir->nops;
        }
    }
    for (uint32_t i = 0; i < job->spec.nblocks; i++) {
        JitRegionBlock *b = &job->blocks[i];
        for (int n = 0; n < 2; n++)
            b->succ[n] = b->tb->jmp_dest[n] ? jit_region_index(job, b->tb->jmp_dest[n]) : -1;
        TranslationBlock *p = follow ? jit_ptr_successor(j, b->tb, page_bits) : NULL;
        b->ptr_succ = p ? jit_region_index(job, p) : -1;
        b->tb->jit_refs++;
    }
    return job;
}

static void jit_log_region(const JitJob *job, const char *how)
{
    if (!log_enabled(LOG_JIT)) return;
    log_printf("JIT %s region %llu:", how, (unsigned long long)job->spec.id);
    for (uint32_t i = 0; i < job->spec.nblocks; i++)
        log_printf(" %s0x%llx", i ? "" : "head ", (unsigned long long)job->blocks[i].tb->pc);
    log_printf("\n");
}

/* tb was handed over hot but is not queued: it counts again from zero.
 * The interpreter counts the entry that follows at once (cpu_tb_run runs
 * tb next), so start one below zero: with -jit-threshold 1, a count of 0
 * would make that entry hot again and the block would never run. */
static void jit_tb_count_again(TranslationBlock *tb)
{
    tb->exec_count = UINT64_MAX;
}

void jit_tb_hot(Jit *j, CPUState *cpu, TranslationBlock *tb)
{
    jit_note_cpu(j, cpu);
    if (j->o.sync || tb->jit_state != JIT_TB_IDLE || !jit_tb_compilable(tb)) return;
    if (!j->first_hot_ns) j->first_hot_ns = jit_now_ns();
    if (tb->jit_refs) {
        /* Already in a region waiting for the compiler (a loop's TBs all
         * become hot in the same pass): one region per loop, not one per
         * TB.  It counts again once that job is done. */
        jit_tb_count_again(tb);
        return;
    }
    if (j->pending >= JIT_QUEUE_MAX) {
        j->s.queue_drops++;
        jit_tb_count_again(tb); /* hot again later */
        return;
    }
    JitJob *job = jit_form_region(j, tb, true);
    /* The snapshot: the compile thread never reads a TB. */
    for (uint32_t i = 0; i < job->spec.nblocks; i++)
        job->blocks[i].ir = ir_block_clone(job->blocks[i].tb->ir);
    tb->jit_state = JIT_TB_QUEUED;
    j->pending++;
    jit_log_region(job, "queue");
    pthread_mutex_lock(&j->lock);
    if (j->todo_tail)
        j->todo_tail->next = job;
    else
        j->todo_head = job;
    j->todo_tail = job;
    pthread_cond_signal(&j->wake);
    pthread_mutex_unlock(&j->lock);
}

void jit_tb_translated(Jit *j, CPUState *cpu, TranslationBlock *tb)
{
    jit_note_cpu(j, cpu);
    if (!j->o.sync || !jit_tb_compilable(tb) || tb->jit_state != JIT_TB_IDLE) return;
    JitJob *job = jit_form_region(j, tb, false);
    job->blocks[0].ir = tb->ir; /* compiled now: no snapshot needed */
    tb->jit_state = JIT_TB_QUEUED;
    jit_log_region(job, "compile");
    jit_compile_job(j->sync_engine, job);
    jit_finish_job(j, job, false);
    if (j->s.code_bytes > j->o.cache_size) jit_flush_regions(j);
}

/* ---- execution ---- */

JitExit jit_exec(CPUState *cpu, TranslationBlock *tb)
{
    JitEntry entry = (JitEntry)atomic_load_explicit(&tb->native, memory_order_acquire);
    uint64_t v = entry(cpu);
    TranslationBlock *last = (TranslationBlock *)(uintptr_t)(v & ~(uint64_t)JIT_EXIT_TB_MASK);
    JitExit e = {.last_tb = last, .slot = -1, .code = IR_EXIT_NORMAL};
    switch (v & JIT_EXIT_KIND_MASK) {
    case JIT_EXIT_SLOT0: e.slot = 0; break;
    case JIT_EXIT_SLOT1: e.slot = 1; break;
    case JIT_EXIT_CODE: e.code = (int)((v & JIT_EXIT_TB_MASK) >> JIT_EXIT_CODE_SHIFT); break;
    default: break;
    }
    return e;
}

JitEntry jit_runtime_lookup_ptr(CPUState *cpu)
{
    if (!cpu->jmp_cache) return NULL;
    if (!cpu_may_chain(cpu)) return NULL;
    TranslationBlock *tb = tb_lookup_jmp_cache(cpu);
    if (!tb || tb->invalid || !tb_may_chain_to(cpu, tb)) return NULL;
    return (JitEntry)atomic_load_explicit(&tb->native, memory_order_acquire);
}

/* ---- statistics ---- */

static int jit_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void jit_stats(Jit *j, JitStats *s)
{
    *s = j->s;
    s->queued = j->pending;
    s->compile_ns_median = 0;
    if (j->ncompile_ns) {
        uint64_t *copy = malloc(j->ncompile_ns * sizeof *copy);
        if (copy) {
            memcpy(copy, j->compile_ns, j->ncompile_ns * sizeof *copy);
            qsort(copy, j->ncompile_ns, sizeof *copy, jit_cmp_u64);
            s->compile_ns_median = copy[j->ncompile_ns / 2];
            free(copy);
        }
    }
}

void jit_print_info(Jit *j, CPUState *const *cpus, int ncpus, FILE *out)
{
    JitStats s;
    jit_stats(j, &s);
    fprintf(out, "mode                 %s, threshold %llu\n", j->o.sync ? "sync" : "async",
            (unsigned long long)j->o.threshold);
    fprintf(out, "regions installed    %llu (%llu TBs), %llu ever, %llu retired\n",
            (unsigned long long)s.regions, (unsigned long long)s.tbs_covered,
            (unsigned long long)s.regions_total, (unsigned long long)s.regions_retired);
    fprintf(out, "compile queue        %llu waiting, %llu hot TBs dropped, %llu failures\n",
            (unsigned long long)s.queued, (unsigned long long)s.queue_drops,
            (unsigned long long)s.compile_failures);
    fprintf(out, "compile time         %.3f ms total, %.3f ms median\n",
            (double)s.compile_ns_total / 1e6, (double)s.compile_ns_median / 1e6);
    fprintf(out, "host code            %llu bytes of %llu, %llu cache flushes\n",
            (unsigned long long)s.code_bytes, (unsigned long long)j->o.cache_size,
            (unsigned long long)s.cache_flushes);
    if (s.regions_total)
        fprintf(out, "first region after   %.3f ms\n", (double)s.first_install_ns / 1e6);
    for (int i = 0; i < ncpus; i++) {
        const CPUState *c = cpus[i];
        uint64_t total = c->icount, interp = c->stats.interp_insns;
        uint64_t native = total > interp ? total - interp : 0;
        fprintf(out, "cpu %d                %llu insns, %.1f%% in compiled code\n", c->cpu_index,
                (unsigned long long)total, total ? 100.0 * (double)native / (double)total : 0.0);
    }
}

/* ---- teardown ---- */

void jit_destroy(Jit *j)
{
    if (!j) return;
    if (log_enabled(LOG_JIT)) {
        log_printf("JIT summary:\n");
        jit_print_info(j, j->cpus, j->ncpus, log_stream());
    }
    tb_cache_set_jit_hook(j->cache, NULL, NULL);
    /* The code goes back to the engine that made it (the compile thread
     * releases what is queued before it stops). */
    while (j->installed) {
        JitRegion *r = j->installed;
        j->installed = r->next;
        atomic_store_explicit(&r->head->native, NULL, memory_order_relaxed);
        for (uint32_t i = 0; i < r->ntbs; i++)
            jit_member_remove(r->tbs[i], r);
        jit_release_tracker(j, r->tracker);
        free(r);
    }
    while (j->retired) {
        JitRegion *r = j->retired;
        j->retired = r->next;
        jit_release_tracker(j, r->tracker);
        free(r);
    }
    if (j->thread_started) {
        pthread_mutex_lock(&j->lock);
        j->stop = true;
        pthread_cond_signal(&j->wake);
        pthread_mutex_unlock(&j->lock);
        pthread_join(j->thread, NULL);
    }
    /* Jobs the thread handed back (compiled or not): drop their
     * references and their code. */
    for (JitJob *job = j->done; job;) {
        JitJob *next = job->next;
        for (uint32_t i = 0; i < job->spec.nblocks; i++)
            job->blocks[i].tb->jit_refs--;
        jit_job_free(job, true);
        job = next;
    }
    if (j->sync_engine) llvm_engine_destroy(j->sync_engine);
    free(j->compile_ns);
    pthread_cond_destroy(&j->wake);
    pthread_mutex_destroy(&j->lock);
    free(j);
}
